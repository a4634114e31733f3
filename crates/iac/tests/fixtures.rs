//! Every fixture template and plan checked against an empty account (as `--baseline` of
//! nothing would): lint findings at template positions, IaC rules, and the access each
//! adds. Fixtures include templates written to fool pattern matchers.

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

use std::path::Path;

use phiward_checks::Config;
use phiward_iac::check::{check, Options, Outcome};
use phiward_iac::{Deployment, Plan};

fn deployment() -> Deployment {
    Deployment {
        parameters: [
            ("AWS::AccountId", "111122223333"),
            ("AWS::StackName", "claims"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
        account: None,
    }
}

fn run(paths: &[&str], baseline: Option<&[&str]>) -> (Vec<Plan>, Outcome) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = deployment();
    let load = |ps: &[&str]| -> Vec<Plan> {
        ps.iter()
            .flat_map(|p| phiward_iac::files(&root.join(p)))
            .map(|f| {
                let mut plan = phiward_iac::load(&f, &d);
                // Paths relative to the crate, so snapshots do not depend on the checkout.
                let rel = f.strip_prefix(root).unwrap_or(&f).display().to_string();
                relabel(&mut plan, &rel);
                plan
            })
            .collect()
    };
    let plans = load(paths);
    let base = baseline.map(load).unwrap_or_default();
    let config = Config::default();
    let catalog = phiward_catalog::Catalog::get().ok();
    let opts = Options {
        snapshot: None,
        baseline: Some(&base),
        config: &config,
        catalog,
        account: Some("111122223333".into()),
        now: chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
            .unwrap()
            .into(),
    };
    let out = check(&plans, &opts);
    (plans, out)
}

fn relabel(plan: &mut Plan, file: &str) {
    plan.file = file.to_string();
    for (o, _) in &mut plan.changes {
        o.file = file.to_string();
    }
    for (d, _) in &mut plan.docs {
        d.origin.file = file.to_string();
    }
    for p in &mut plan.problems {
        p.origin.file = file.to_string();
    }
    for h in &mut plan.hits {
        h.origin.file = file.to_string();
    }
}

/// One line per finding: where, which rule, what, and what it depends on.
fn lines(o: &Outcome) -> String {
    let mut s = String::new();
    for f in &o.findings {
        s.push_str(&format!(
            "{}:{}:{} {} {} {}",
            f.file, f.line, f.column, f.id, f.resource, f.message
        ));
        if !f.depends_on.is_empty() {
            s.push_str(&format!(" [depends on: {}]", f.depends_on.join("; ")));
        }
        if let Some(x) = &f.suppressed {
            s.push_str(&format!(" [suppressed: {x}]"));
        }
        s.push('\n');
        for d in &f.detail {
            s.push_str(&format!("    {d}\n"));
        }
    }
    for n in &o.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    s
}

fn ids(o: &Outcome) -> Vec<&str> {
    o.findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| f.id)
        .collect()
}

macro_rules! fixture {
    ($name:ident, $file:expr) => {
        #[test]
        fn $name() {
            let (_, out) = run(&[$file], None);
            insta::assert_snapshot!(lines(&out));
        }
    };
}

fixture!(intrinsics_yaml, "tests/fixtures/intrinsics.yaml");
fixture!(intrinsics_json, "tests/fixtures/intrinsics.json");
fixture!(fool_join_wildcard, "tests/fixtures/fool_join_wildcard.yaml");
fixture!(fool_if_admin, "tests/fixtures/fool_if_admin.yaml");
fixture!(
    fool_attached_elsewhere,
    "tests/fixtures/fool_attached_elsewhere.yaml"
);
fixture!(fool_sub_trust, "tests/fixtures/fool_sub_trust.yaml");
fixture!(sam, "tests/fixtures/sam.yaml");
fixture!(resources, "tests/fixtures/resources.yaml");
fixture!(unreadable, "tests/fixtures/unreadable.yaml");
fixture!(not_yaml, "tests/fixtures/not_yaml.yaml");
fixture!(cdk_out, "tests/fixtures/cdk.out");
fixture!(terraform_plan, "../../examples/iac/terraform/plan.json");

#[test]
fn wildcards_built_with_fn_join_make_an_administrator() {
    let (_, out) = run(&["tests/fixtures/fool_join_wildcard.yaml"], None);
    assert!(ids(&out).contains(&"PW501"), "{}", lines(&out));
}

#[test]
fn the_fn_if_branch_the_parameters_select_is_the_one_read() {
    let (_, out) = run(&["tests/fixtures/fool_if_admin.yaml"], None);
    assert!(ids(&out).contains(&"PW501"), "{}", lines(&out));
}

#[test]
fn policies_attached_in_other_resources_count() {
    let (_, out) = run(&["tests/fixtures/fool_attached_elsewhere.yaml"], None);
    let found = ids(&out);
    // iam:AttachRolePolicy on itself: an administrator; and CloudTrail from a RolePolicy.
    assert!(found.contains(&"PW501"), "{}", lines(&out));
}

#[test]
fn trust_built_with_fn_sub_is_read() {
    let (_, out) = run(&["tests/fixtures/fool_sub_trust.yaml"], None);
    let found = ids(&out);
    assert!(found.contains(&"PW402"), "{}", lines(&out));
    assert!(found.contains(&"PW504"), "{}", lines(&out));
}

#[test]
fn unreadable_input_is_an_error_naming_resource_and_path() {
    let (_, out) = run(&["tests/fixtures/unreadable.yaml"], None);
    assert!(out.input_error);
    let text = lines(&out);
    assert!(text.contains("PW400 Broken"), "{text}");
    assert!(text.contains("PW400 BadRef"), "{text}");
}

#[test]
fn the_example_change_shows_the_new_escalation_path() {
    let (_, out) = run(
        &["../../examples/iac/changed/claims.yaml"],
        Some(&["../../examples/iac/base/claims.yaml"]),
    );
    let path = out
        .findings
        .iter()
        .find(|f| {
            f.id == "PW502"
                && f.message
                    .starts_with("`arn:aws:iam::111122223333:role/claims-developer`")
        })
        .unwrap_or_else(|| panic!("{}", lines(&out)));
    assert!(
        path.message.contains("claims-developer"),
        "{}",
        path.message
    );
    assert!(
        path.message.contains("platform-maintenance"),
        "{}",
        path.message
    );
    assert_eq!(path.resource, "DeveloperPolicy");
    assert!(path.detail.iter().any(|d| d.contains("pass_role_lambda")));
    // The base version alone adds nothing new over itself.
    let (_, same) = run(
        &["../../examples/iac/base/claims.yaml"],
        Some(&["../../examples/iac/base/claims.yaml"]),
    );
    assert!(
        !same.findings.iter().any(|f| f.id.starts_with("PW5")),
        "{}",
        lines(&same)
    );
}

#[test]
fn snapshot_tests() {
    insta::assert_snapshot!(
        "example_change",
        lines(
            &run(
                &["../../examples/iac/changed/claims.yaml"],
                Some(&["../../examples/iac/base/claims.yaml"])
            )
            .1
        )
    );
}
