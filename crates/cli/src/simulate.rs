//! `phiward simulate`: decide requests from a case file or from flags.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context as _, Result};
use phiward_policy::cases::parse_case;
use phiward_policy::json::{self, Json, Spanned};
use phiward_policy::{
    evaluate, evaluate_partial, policy_from_json, Context, Decision, PartialResponse, Policy,
    PolicyKind, PolicySet, Request, RequestPrincipal, Response,
};
use rayon::prelude::*;

use crate::decision_text::render;
use crate::exit;

/// Input larger than this is refused before parsing (case files of 3,000 cases are ~9 MB).
const MAX_INPUT: u64 = 512 * 1024 * 1024;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  phiward simulate --cases examples/cases.json --explain\n  phiward simulate --policy user.json --principal arn:aws:iam::111122223333:user/alice \\\n      --action s3:GetObject --resource arn:aws:s3:::phi-bucket/x --context aws:MultiFactorAuthPresent=true"
)]
pub struct Args {
    /// A case file (JSON array of cases; see docs/simulate.md). Prints one JSON line per case.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["policy", "principal"])]
    cases: Option<PathBuf>,
    /// With --cases: exit 1 when a decision differs from the case's `expected`.
    #[arg(long)]
    check: bool,
    /// Print a readable explanation instead of JSON lines.
    #[arg(long)]
    explain: bool,
    /// Identity-based policy file (one policy or an array); repeatable.
    #[arg(long, value_name = "FILE")]
    policy: Vec<PathBuf>,
    /// The resource's policy (bucket policy, key policy, role trust policy, ...).
    #[arg(long, value_name = "FILE")]
    resource_policy: Option<PathBuf>,
    /// The principal's permissions boundary.
    #[arg(long, value_name = "FILE")]
    boundary: Option<PathBuf>,
    /// The session policy of a role or federated-user session.
    #[arg(long, value_name = "FILE")]
    session_policy: Option<PathBuf>,
    /// SCPs of one organization level (one policy or an array); repeat per level, root first.
    #[arg(long, value_name = "FILE")]
    scp: Vec<PathBuf>,
    /// RCPs of one organization level; repeat per level, root first.
    #[arg(long, value_name = "FILE")]
    rcp: Vec<PathBuf>,
    /// The caller: an IAM user, role session, federated-user ARN, a service principal or `anonymous`.
    #[arg(long, value_name = "ARN")]
    principal: Option<String>,
    /// The action, such as `s3:GetObject`.
    #[arg(long, value_name = "ACTION", requires = "principal")]
    action: Option<String>,
    /// The resource ARN (`*` for actions without resource types).
    #[arg(long, value_name = "ARN", default_value = "*")]
    resource: String,
    /// The account that owns the resource (default: from the ARN, else the principal's).
    #[arg(long, value_name = "ID")]
    resource_account: Option<String>,
    /// A context key, `key=value`; give a key twice for a multivalued key.
    #[arg(long, value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// A context key whose value is not known: the answer names the conditions on it
    /// ("allowed if aws:MultiFactorAuthPresent is true") instead of deciding them.
    #[arg(long, value_name = "KEY")]
    unknown: Vec<String>,
}

pub fn run(args: &Args) -> Result<u8> {
    match &args.cases {
        Some(path) => run_cases(args, path),
        None => run_single(args),
    }
}

fn read(path: &Path) -> Result<String> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if meta.len() > MAX_INPUT {
        bail!(
            "`{}` is {} bytes, more than the {} byte limit",
            path.display(),
            meta.len(),
            MAX_INPUT
        );
    }
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}` as UTF-8 text", path.display()))
}

/// One case's output line and what `--check` needs from it.
struct Outcome {
    text: String,
    error: bool,
    check: Option<(String, Decision, Decision)>,
}

fn run_cases(args: &Args, path: &Path) -> Result<u8> {
    let text = read(path)?;
    let at_file = |e: json::JsonError| anyhow::anyhow!("`{}`: {e}", path.display());
    // Cases are independent: find them, then parse, decide and render them in parallel
    // (each case's JSON is dropped as soon as it is decided), and print in order.
    let outcomes: Vec<Outcome> = if text.trim_start().starts_with('{') {
        vec![decide_case(
            &json::parse(&text).map_err(at_file)?,
            0,
            args.explain,
        )]
    } else {
        let starts = json::split_array(&text).map_err(at_file)?;
        starts
            .par_iter()
            .enumerate()
            .map(|(i, at)| match json::parse_element(&text, *at) {
                Ok(v) => decide_case(&v, i, args.explain),
                // A case that is not valid JSON inside is reported alone.
                Err(e) => error_outcome(
                    &format!("#{i}"),
                    &format!("invalid JSON: {e}"),
                    args.explain,
                ),
            })
            .collect()
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut errors, mut agree, mut differ) = (0usize, 0usize, Vec::new());
    for o in &outcomes {
        out.write_all(o.text.as_bytes())?;
        errors += usize::from(o.error);
        match &o.check {
            Some((id, want, got)) if want != got => differ.push((id.clone(), *want, *got)),
            Some(_) => agree += 1,
            None => {}
        }
    }
    out.flush()?;
    drop(out);
    summarize(path, outcomes.len(), errors, agree, &differ, args.check);
    // The process ends next; skip freeing the output piecemeal.
    std::mem::forget(outcomes);
    Ok(if errors > 0 {
        exit::INPUT
    } else if args.check && !differ.is_empty() {
        exit::FAILED
    } else {
        exit::OK
    })
}

fn error_outcome(id: &str, message: &str, explain: bool) -> Outcome {
    Outcome {
        text: if explain {
            format!("{id}: error: {message}\n\n")
        } else {
            let mut line = serde_json::json!({"id": id, "error": message}).to_string();
            line.push('\n');
            line
        },
        error: true,
        check: None,
    }
}

fn decide_case(v: &Spanned, index: usize, explain: bool) -> Outcome {
    match parse_case(v, index) {
        Err(e) => error_outcome(&e.id, &e.message, explain),
        Ok(c) => {
            let resp = evaluate(&c.policies, &c.request);
            let partial = partial_for(&c.policies, &c.request);
            let text = if explain {
                render(
                    Some(&c.id),
                    c.description.as_deref(),
                    &c.request,
                    &c.policies,
                    &resp,
                    partial.as_ref(),
                    c.expected,
                )
            } else {
                json_line(&c.id, &resp, partial.as_ref())
            };
            Outcome {
                text,
                error: false,
                check: c.expected.map(|x| (c.id.clone(), x, resp.decision)),
            }
        }
    }
}

fn summarize(
    path: &Path,
    total: usize,
    errors: usize,
    agree: usize,
    differ: &[(String, Decision, Decision)],
    check: bool,
) {
    if agree + differ.len() > 0 || errors > 0 {
        eprintln!(
            "{}: {total} cases, {agree} agree with `expected`, {} differ, {errors} could not be evaluated",
            path.display(),
            differ.len()
        );
    }
    if check {
        for (id, want, got) in differ {
            eprintln!(
                "  {id}: expected {}, decided {}",
                want.as_str(),
                got.as_str()
            );
        }
    }
}

fn json_line(id: &str, resp: &Response, partial: Option<&PartialResponse>) -> String {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Line<'a> {
        id: &'a str,
        decision: &'static str,
        #[serde(flatten, skip_serializing_if = "Option::is_none")]
        partial: Option<&'a PartialResponse>,
        explanation: &'a Response,
    }
    let line = Line {
        id,
        decision: resp.decision.as_str(),
        partial,
        explanation: resp,
    };
    // Serializing plain structs of strings and numbers cannot fail.
    let mut s = serde_json::to_string(&line).unwrap_or_default();
    s.push('\n');
    s
}

/// With unknown context keys, the answer in terms of conditions on them.
fn partial_for(set: &PolicySet, req: &Request) -> Option<PartialResponse> {
    (!req.context.unknown_keys().is_empty()).then(|| evaluate_partial(set, req))
}

/// The largest policy file read (one policy or an array of them). AWS's largest single
/// policy document holds 32,768 characters.
const MAX_POLICY_FILE: u64 = 16 * 1024 * 1024;

/// Loads the policies of one file: a policy object or an array of them.
fn load_policies(path: &Path, kind: PolicyKind) -> Result<Vec<(String, Policy)>> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?
        .len();
    if size > MAX_POLICY_FILE {
        bail!(
            "`{}` is {size} bytes: too large for a policy file (at most {MAX_POLICY_FILE} bytes; AWS policy documents hold at most 32,768 characters)",
            path.display()
        );
    }
    let text = read(path)?;
    let doc = json::parse(&text).map_err(|e| anyhow::anyhow!("`{}`: {e}", path.display()))?;
    let items: Vec<&Spanned> = match &doc.value {
        Json::Array(a) => a.iter().collect(),
        _ => vec![&doc],
    };
    let many = items.len() > 1 || matches!(doc.value, Json::Array(_));
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let name = if many {
                format!("{}[{i}]", path.display())
            } else {
                path.display().to_string()
            };
            policy_from_json(v, kind)
                .map(|p| (name.clone(), p))
                .map_err(|e| anyhow::anyhow!("`{name}`: {e}"))
        })
        .collect()
}

fn run_single(args: &Args) -> Result<u8> {
    let (Some(principal), Some(action)) = (&args.principal, &args.action) else {
        bail!("give `--cases FILE`, or `--principal ARN --action ACTION` (see `phiward simulate --help`)");
    };
    let mut set = PolicySet::default();
    let mut names: Vec<(PolicyKind, usize, usize, String)> = Vec::new();
    for f in &args.policy {
        for (name, p) in load_policies(f, PolicyKind::Identity)? {
            names.push((PolicyKind::Identity, 0, set.identity.len(), name));
            set.identity.push(Arc::new(p));
        }
    }
    if let Some(f) = &args.resource_policy {
        let mut v = load_policies(f, PolicyKind::Resource)?;
        if v.len() != 1 {
            bail!("`{}` must hold exactly one resource policy", f.display());
        }
        if let Some((name, p)) = v.pop() {
            names.push((PolicyKind::Resource, 0, 0, name));
            set.resource = Some(std::sync::Arc::new(p));
        }
    }
    if let Some(f) = &args.boundary {
        for (name, p) in load_policies(f, PolicyKind::PermissionsBoundary)? {
            names.push((PolicyKind::PermissionsBoundary, 0, set.boundary.len(), name));
            set.boundary.push(Arc::new(p));
        }
    }
    if let Some(f) = &args.session_policy {
        let mut v = load_policies(f, PolicyKind::Session)?;
        if v.len() != 1 {
            bail!("`{}` must hold exactly one session policy", f.display());
        }
        if let Some((name, p)) = v.pop() {
            names.push((PolicyKind::Session, 0, 0, name));
            set.session = Some(Arc::new(p));
        }
    }
    for (kind, files) in [(PolicyKind::Scp, &args.scp), (PolicyKind::Rcp, &args.rcp)] {
        for (level, f) in files.iter().enumerate() {
            let mut lv = Vec::new();
            for (i, (name, p)) in load_policies(f, kind)?.into_iter().enumerate() {
                names.push((kind, level, i, name));
                lv.push(Arc::new(p));
            }
            match kind {
                PolicyKind::Scp => set.scps.push(lv),
                _ => set.rcps.push(lv),
            }
        }
    }
    set.name_policies(|k, l, i| {
        names
            .iter()
            .find(|(nk, nl, ni, _)| *nk == k && *nl == l && *ni == i)
            .map(|(_, _, _, n)| n.clone())
    });
    let mut ctx = Context::new();
    let pairs = phiward_policy::parse_assignments(&args.context)
        .map_err(|e| anyhow::anyhow!("`--context`: {e}"))?;
    for k in &args.unknown {
        ctx.mark_unknown(k);
    }
    for (k, value) in pairs {
        ctx.insert(&k, value);
    }
    let p = RequestPrincipal::parse(principal, &ctx)
        .map_err(|e| anyhow::anyhow!("`--principal`: {e}"))?;
    let req = Request::new(
        p,
        action,
        &args.resource,
        args.resource_account.clone(),
        ctx,
    );
    let resp = evaluate(&set, &req);
    let partial = partial_for(&set, &req);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.explain {
        write!(
            out,
            "{}",
            render(None, None, &req, &set, &resp, partial.as_ref(), None)
        )?;
    } else {
        out.write_all(json_line("request", &resp, partial.as_ref()).as_bytes())?;
    }
    Ok(exit::OK)
}
