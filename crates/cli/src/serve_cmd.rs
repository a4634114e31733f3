//! `phiward serve` (the recertification web app) and `phiward certify account` (its
//! local accounts).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
use phiward_certify::store::Store;
use phiward_certify::web::{self, accounts, Role};

use crate::certify_cmd::say;
use crate::exit;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward serve examples/demo-account          # the demo: a finished and an open campaign\n  \
phiward serve certify.db --bind 127.0.0.1:8443\n  \
phiward serve certify.db --trust-header X-Forwarded-User --trusted-proxy 10.0.0.5\n\n\
PATH is a campaign store, a folder holding certify.db, or a snapshot folder (the demo: a \
sample store is built in --demo-dir, and the accounts and how to sign in are printed).")]
pub struct Args {
    /// A campaign store, a folder with `certify.db`, or a snapshot folder (demo).
    #[arg(default_value = "certify.db")]
    path: PathBuf,
    /// The address to listen on (loopback by default; put TLS in front for anything else).
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// The signing key file (default: STORE.key).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Trust this header for the signed-in name (behind an SSO proxy) instead of local
    /// accounts; needs --trusted-proxy.
    #[arg(long, value_name = "NAME", requires = "trusted_proxy")]
    trust_header: Option<String>,
    /// The SSO proxy's address: the only one whose identity header is believed.
    #[arg(long, value_name = "ADDR", requires = "trust_header")]
    trusted_proxy: Option<IpAddr>,
    /// Where the demo store is built (default: a folder in the system's temporary folder).
    #[arg(long, value_name = "DIR")]
    demo_dir: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct AccountArgs {
    #[command(subcommand)]
    command: AccountCmd,
}

#[derive(Debug, clap::Subcommand)]
enum AccountCmd {
    /// Create or replace an account; prints its TOTP secret (for an authenticator app).
    Add {
        /// The name: the reviewer id items are assigned to.
        name: String,
        /// reviewer, officer or auditor.
        #[arg(long, default_value = "reviewer")]
        role: String,
        /// The administrator's e-mail address.
        #[arg(long)]
        email: Option<String>,
        /// Read the password (12 characters or more) from standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
        /// The campaign store.
        #[arg(long, default_value = "certify.db", env = "PHIWARD_CERTIFY_STORE")]
        store: PathBuf,
    },
    /// List accounts.
    List {
        /// The campaign store.
        #[arg(long, default_value = "certify.db", env = "PHIWARD_CERTIFY_STORE")]
        store: PathBuf,
    },
}

pub fn account(a: &AccountArgs) -> Result<u8> {
    match &a.command {
        AccountCmd::Add {
            name,
            role,
            email,
            store,
            ..
        } => {
            let role = Role::parse(role).with_context(|| {
                format!("--role `{role}`: expected reviewer, officer or auditor")
            })?;
            let password = crate::certify_cmd::password_stdin()?;
            let s = Store::open(store)?;
            let secret = accounts::add(&s, name, role, email.as_deref(), &password)?;
            say!("account `{name}` ({}) ready", role.as_str());
            say!("TOTP secret: {secret}");
            say!(
                "authenticator URI: {}",
                phiward_certify::totp::uri(&secret, name)
            );
        }
        AccountCmd::List { store } => {
            let s = Store::open_existing(store)?;
            for a in accounts::list(&s)? {
                say!(
                    "{:<28} {:<9} {}",
                    a.name,
                    a.role.as_str(),
                    a.email.unwrap_or_default()
                );
            }
        }
    }
    Ok(exit::OK)
}

pub fn run(a: &Args) -> Result<u8> {
    let store_path = if a.path.is_dir() && a.path.join("certify.db").is_file() {
        a.path.join("certify.db")
    } else if a.path.is_dir() {
        let dir = a
            .demo_dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("phiward-demo"));
        say!(
            "building the demo campaigns from `{}` in `{}` (once)...",
            a.path.display(),
            dir.display()
        );
        let list = web::demo::build(&a.path, &dir)?;
        say!("demo accounts (password `{}` for all; the code is `phiward certify totp SECRET`, or scan the secret into an authenticator app):", web::demo::PASSWORD);
        for acc in &list {
            say!(
                "  {:<24} {:<9} TOTP secret {}",
                acc.name,
                acc.role.as_str(),
                acc.secret
            );
        }
        dir.join("certify.db")
    } else {
        a.path.clone()
    };
    if a.trust_header.is_some() && a.trusted_proxy.is_none() {
        bail!("--trust-header needs --trusted-proxy");
    }
    let (store, key) = crate::certify_cmd::open_for_serve(&store_path, a.key.as_deref())?;
    let app = web::App::new(
        store,
        key,
        web::Options {
            trust_header: a.trust_header.clone(),
            trusted_proxy: a.trusted_proxy,
        },
    )?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(a.bind)
            .await
            .with_context(|| format!("cannot listen on {}", a.bind))?;
        let addr = listener.local_addr()?;
        say!(
            "phiward serve: http://{addr}/ (store `{}`)",
            store_path.display()
        );
        web::serve(listener, app).await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(exit::OK)
}
