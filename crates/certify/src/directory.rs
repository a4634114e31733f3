//! Who reviews whom: the person's manager from a tag on their IAM user or role
//! (`[recertification] manager_tag`), else from a directory export (CSV with the columns
//! `employee,manager,email`, the shape AD and Okta exports take), else the fallback
//! reviewers of the configuration. A person nobody can be assigned to is an *orphan*:
//! their items go to the fallback reviewers, never dropped. Nobody reviews their own
//! access: such an item goes one level up.

use std::collections::{BTreeMap, HashMap};

use crate::{Error, Result};

/// The reviewer of items nobody could be assigned to when no fallback is configured.
pub const NOBODY: &str = "(unassigned)";

/// One employee of the directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Employee {
    /// The employee's id (user name).
    pub id: String,
    /// Their manager's id or e-mail.
    pub manager: Option<String>,
    /// Their e-mail.
    pub email: Option<String>,
}

/// A directory export.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    by_id: BTreeMap<String, Employee>,
    by_email: HashMap<String, String>,
}

impl Directory {
    /// Reads `employee,manager,email` (header required, any order and case; other
    /// columns ignored; `#` lines skipped).
    pub fn parse(text: &str, path: &str) -> Result<Directory> {
        let err = |message: String| Error::Input {
            path: path.to_string(),
            message,
        };
        let body: String = text
            .trim_start_matches('\u{feff}')
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        let mut rd = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(body.as_bytes());
        let header = rd.headers().map_err(|e| err(e.to_string()))?.clone();
        let col = |n: &str| header.iter().position(|h| h.eq_ignore_ascii_case(n));
        let Some(emp) = col("employee") else {
            return Err(err(format!(
                "the header must name the columns `employee`, `manager` and `email`, found `{}`",
                header.iter().collect::<Vec<_>>().join(",")
            )));
        };
        let (mgr, mail) = (col("manager"), col("email"));
        let mut d = Directory::default();
        for (i, rec) in rd.records().enumerate() {
            let rec = rec.map_err(|e| err(format!("line {}: {e}", i + 2)))?;
            let get = |c: Option<usize>| {
                c.and_then(|c| rec.get(c))
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
            };
            let Some(id) = get(Some(emp)) else {
                return Err(err(format!("line {}: the employee is empty", i + 2)));
            };
            let e = Employee {
                id: id.clone(),
                manager: get(mgr),
                email: get(mail),
            };
            if let Some(m) = &e.email {
                d.by_email.insert(m.to_ascii_lowercase(), id.clone());
            }
            d.by_id.insert(id.to_ascii_lowercase(), e);
        }
        Ok(d)
    }

    /// The employee with this id or e-mail.
    pub fn get(&self, who: &str) -> Option<&Employee> {
        let low = who.to_ascii_lowercase();
        self.by_id.get(&low).or_else(|| {
            self.by_email
                .get(&low)
                .and_then(|id| self.by_id.get(&id.to_ascii_lowercase()))
        })
    }

    /// Every employee.
    pub fn employees(&self) -> impl Iterator<Item = &Employee> {
        self.by_id.values()
    }
}

/// Where an item's reviewer came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assigned {
    /// The reviewer.
    pub reviewer: String,
    /// Nobody above the person is known: the fallback reviews it.
    pub orphan: bool,
}

/// The rules for choosing reviewers.
#[derive(Clone, Debug, Default)]
pub struct Reviewers {
    /// Managers read from the manager tag, by person.
    pub tagged: HashMap<String, String>,
    /// The directory, when given.
    pub directory: Option<Directory>,
    /// The fallback reviewers, in order.
    pub fallback: Vec<String>,
}

impl Reviewers {
    /// A name in the directory's spelling (an e-mail becomes the employee id).
    pub fn canonical(&self, who: &str) -> String {
        self.directory
            .as_ref()
            .and_then(|d| d.get(who))
            .map_or_else(|| who.to_string(), |e| e.id.clone())
    }

    /// The person's manager: the tag first, then the directory.
    pub fn manager_of(&self, person: &str) -> Option<String> {
        let m = self.tagged.get(person).cloned().or_else(|| {
            self.directory
                .as_ref()
                .and_then(|d| d.get(person))
                .and_then(|e| e.manager.clone())
        })?;
        Some(self.canonical(&m))
    }

    /// The e-mail of a person or reviewer, when the directory knows it.
    pub fn email_of(&self, who: &str) -> Option<String> {
        self.directory
            .as_ref()
            .and_then(|d| d.get(who))
            .and_then(|e| e.email.clone())
    }

    /// The reviewer of a person's items.
    pub fn assign(&self, person: &str) -> Assigned {
        let me = self.canonical(person);
        let mut at = me.clone();
        // Up the chain until someone other than the person; a loop ends it.
        for _ in 0..16 {
            match self.manager_of(&at) {
                Some(m) if !m.eq_ignore_ascii_case(&me) => {
                    return Assigned {
                        reviewer: m,
                        orphan: false,
                    };
                }
                Some(m) if m.eq_ignore_ascii_case(&at) => break,
                Some(m) => at = m,
                None => break,
            }
        }
        self.fallback_for(&me)
    }

    /// The first fallback reviewer who is not `person`.
    pub fn fallback_for(&self, person: &str) -> Assigned {
        let reviewer = self
            .fallback
            .iter()
            .map(|f| self.canonical(f))
            .find(|f| !f.eq_ignore_ascii_case(person))
            .unwrap_or_else(|| NOBODY.to_string());
        Assigned {
            reviewer,
            orphan: true,
        }
    }

    /// Who reviews an item of `person` once `reviewer` may not: one level above the
    /// reviewer when the reviewer is the person, else the reviewer.
    pub fn not_self(&self, person: &str, reviewer: &str) -> Option<String> {
        if !self
            .canonical(reviewer)
            .eq_ignore_ascii_case(&self.canonical(person))
        {
            return Some(self.canonical(reviewer));
        }
        let up = self.assign(person);
        (up.reviewer != NOBODY).then_some(up.reviewer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> Directory {
        Directory::parse(
            "# export\nEmail,Employee,Manager\nana@x.org,ana,bo\nbo@x.org,bo,cy\ncy@x.org,cy,\nself@x.org,self,self\n",
            "d.csv",
        )
        .unwrap()
    }

    #[test]
    fn tag_wins_then_directory_then_fallback_and_never_self() {
        let mut r = Reviewers {
            directory: Some(dir()),
            fallback: vec!["cy@x.org".into(), "officer".into()],
            ..Default::default()
        };
        assert_eq!(
            r.assign("ana"),
            Assigned {
                reviewer: "bo".into(),
                orphan: false
            }
        );
        r.tagged.insert("ana".into(), "cy@x.org".into());
        assert_eq!(r.assign("ana").reviewer, "cy");
        // cy has no manager: orphan, reviewed by the fallback, but not by cy itself.
        assert_eq!(
            r.assign("cy"),
            Assigned {
                reviewer: "officer".into(),
                orphan: true
            }
        );
        // A person who is their own manager goes up (here: nobody above, so fallback).
        assert_eq!(r.assign("self").reviewer, "cy");
        assert_eq!(
            r.assign("stranger"),
            Assigned {
                reviewer: "cy".into(),
                orphan: true
            }
        );
        assert_eq!(r.not_self("ana", "ana").as_deref(), Some("cy"));
        assert_eq!(r.not_self("ana", "bo@x.org").as_deref(), Some("bo"));
    }

    #[test]
    fn refuses_a_header_without_employee() {
        let e = Directory::parse("name,manager\nx,y\n", "d.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("`employee`"), "{e}");
    }
}
