//! Access levels and condition key types, as AWS's Service Authorization Reference names
//! them.

/// The access level AWS's Service Authorization Reference gives an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    /// `List`
    List,
    /// `Read`
    Read,
    /// `Write`
    Write,
    /// `Permissions management`
    PermissionsManagement,
    /// `Tagging`
    Tagging,
}

impl AccessLevel {
    /// Every level, in AWS's order.
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// The name AWS uses.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    /// Parses AWS's name, ignoring case, or the one-letter code of the catalog format.
    pub fn parse(s: &str) -> Option<AccessLevel> {
        let mut chars = s.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return AccessLevel::from_code(c);
        }
        AccessLevel::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
    }

    pub(crate) fn from_code(c: char) -> Option<AccessLevel> {
        Some(match c {
            'L' => AccessLevel::List,
            'R' => AccessLevel::Read,
            'W' => AccessLevel::Write,
            'P' => AccessLevel::PermissionsManagement,
            'T' => AccessLevel::Tagging,
            _ => return None,
        })
    }
}

impl std::fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type of a condition key's values, without the `ArrayOf` qualifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyBase {
    /// `String`
    String,
    /// `Numeric` (and `Long`, `Integer`)
    Numeric,
    /// `Date`
    Date,
    /// `Bool`
    Bool,
    /// `IPAddress`
    IpAddress,
    /// `ARN`
    Arn,
    /// `Binary`
    Binary,
}

impl KeyBase {
    /// The name AWS uses.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyBase::String => "String",
            KeyBase::Numeric => "Numeric",
            KeyBase::Date => "Date",
            KeyBase::Bool => "Bool",
            KeyBase::IpAddress => "IPAddress",
            KeyBase::Arn => "ARN",
            KeyBase::Binary => "Binary",
        }
    }
}

/// The type of a condition key: its base type, and whether it holds a set of values
/// (`ArrayOfString`, `ArrayOfARN`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyType {
    /// The type of each value.
    pub base: KeyBase,
    /// An `ArrayOf...` key: the request may carry several values.
    pub multivalued: bool,
}

impl KeyType {
    /// A single-valued key of this type.
    pub fn one(base: KeyBase) -> KeyType {
        KeyType {
            base,
            multivalued: false,
        }
    }

    /// A multivalued (`ArrayOf...`) key of this type.
    pub fn many(base: KeyBase) -> KeyType {
        KeyType {
            base,
            multivalued: true,
        }
    }

    /// Parses AWS's name (`String`, `ArrayOfARN`, `Long`, `Boolean`), ignoring case.
    pub fn parse(name: &str) -> Option<KeyType> {
        let lc = name.trim().to_ascii_lowercase();
        let (multivalued, base) = match lc.strip_prefix("arrayof") {
            Some(rest) => (true, rest),
            None => (false, lc.as_str()),
        };
        let base = match base {
            "string" => KeyBase::String,
            "numeric" | "long" | "integer" | "number" => KeyBase::Numeric,
            "date" => KeyBase::Date,
            "bool" | "boolean" => KeyBase::Bool,
            "ipaddress" => KeyBase::IpAddress,
            "arn" => KeyBase::Arn,
            "binary" => KeyBase::Binary,
            _ => return None,
        };
        Some(KeyType { base, multivalued })
    }

    /// The name AWS uses (`ArrayOfString`, `Bool`, ...).
    pub fn name(self) -> String {
        if self.multivalued {
            format!("ArrayOf{}", self.base.as_str())
        } else {
            self.base.as_str().to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_types_parse() {
        assert_eq!(
            KeyType::parse("ArrayOfARN"),
            Some(KeyType::many(KeyBase::Arn))
        );
        assert_eq!(KeyType::parse("Long"), Some(KeyType::one(KeyBase::Numeric)));
        assert_eq!(KeyType::parse(""), None);
        assert_eq!(
            KeyType::parse("ArrayOfBool").map(KeyType::name).as_deref(),
            Some("ArrayOfBool")
        );
    }

    #[test]
    fn levels_parse() {
        assert_eq!(
            AccessLevel::parse("permissions management"),
            Some(AccessLevel::PermissionsManagement)
        );
        assert_eq!(AccessLevel::parse("T"), Some(AccessLevel::Tagging));
        assert_eq!(AccessLevel::parse("Admin"), None);
    }
}
