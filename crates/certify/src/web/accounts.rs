//! Web accounts: a name, a role (`reviewer`, `officer`, `auditor`), an argon2id password
//! hash (RFC 9106, the `argon2` crate's defaults) and a TOTP secret; and sessions, kept
//! in the store by the SHA-256 of their token so that a copy of the database opens none.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::Argon2;
use rusqlite::{params, OptionalExtension as _};
use serde::Serialize;

use crate::store::{DbResult as _, Store};
use crate::{Error, Result};

/// What an account may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Decides their own items.
    Reviewer,
    /// The compliance officer: progress, overdue and orphan items, exports, reassigning
    /// any item; decides their own items too.
    Officer,
    /// Reads everything, changes nothing.
    Auditor,
}

impl Role {
    /// Parses `reviewer`, `officer`, `auditor`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "reviewer" => Some(Role::Reviewer),
            "officer" => Some(Role::Officer),
            "auditor" => Some(Role::Auditor),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Officer => "officer",
            Role::Auditor => "auditor",
        }
    }
}

/// An account, without its secrets.
#[derive(Clone, Debug, Serialize)]
pub struct Account {
    /// The name: the reviewer id items are assigned to.
    pub name: String,
    /// The role.
    pub role: Role,
    /// The e-mail.
    pub email: Option<String>,
}

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

fn random_salt() -> Result<SaltString> {
    let mut b = [0u8; 16];
    getrandom::getrandom(&mut b).map_err(|e| Error::refused(e.to_string()))?;
    SaltString::encode_b64(&b).map_err(|e| Error::refused(e.to_string()))
}

/// Creates (or replaces) an account; returns its new TOTP secret (base32).
pub fn add(
    store: &Store,
    name: &str,
    role: Role,
    email: Option<&str>,
    password: &str,
) -> Result<String> {
    if name.trim().is_empty() || name.len() > 200 {
        return Err(Error::refused(
            "an account needs a name of at most 200 characters",
        ));
    }
    if password.chars().count() < MIN_PASSWORD {
        return Err(Error::refused(format!(
            "the password must be at least {MIN_PASSWORD} characters"
        )));
    }
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &random_salt()?)
        .map_err(|e| Error::refused(e.to_string()))?
        .to_string();
    let secret = crate::totp::new_secret().ok_or_else(|| Error::refused("no random source"))?;
    store
        .conn
        .execute(
            "INSERT INTO accounts (name, role, email, password, totp, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (name) DO UPDATE SET role = excluded.role, email = excluded.email,
               password = excluded.password, totp = excluded.totp",
            params![name.trim(), role.as_str(), email, hash, secret, crate::now()],
        )
        .db(&store.path)?;
    Ok(secret)
}

/// Every account.
pub fn list(store: &Store) -> Result<Vec<Account>> {
    let mut st = store
        .conn
        .prepare("SELECT name, role, email FROM accounts ORDER BY name")
        .db(&store.path)?;
    let rows = st
        .query_map([], |r| {
            let role: String = r.get(1)?;
            Ok(Account {
                name: r.get(0)?,
                role: Role::parse(&role).unwrap_or(Role::Auditor),
                email: r.get(2)?,
            })
        })
        .db(&store.path)?;
    rows.collect::<std::result::Result<Vec<_>, _>>()
        .db(&store.path)
}

/// One account by name.
pub fn get(store: &Store, name: &str) -> Result<Option<Account>> {
    Ok(list_one(store, name)?.map(|(a, _, _)| a))
}

fn list_one(store: &Store, name: &str) -> Result<Option<(Account, String, String)>> {
    store
        .conn
        .query_row(
            "SELECT name, role, email, password, totp FROM accounts WHERE name = ?1",
            [name],
            |r| {
                let role: String = r.get(1)?;
                Ok((
                    Account {
                        name: r.get(0)?,
                        role: Role::parse(&role).unwrap_or(Role::Auditor),
                        email: r.get(2)?,
                    },
                    r.get(3)?,
                    r.get(4)?,
                ))
            },
        )
        .optional()
        .db(&store.path)
}

/// The account when the password and the TOTP code are right, with the TOTP step the
/// code matched (the caller refuses a step already used).
pub fn check(
    store: &Store,
    name: &str,
    password: &str,
    code: &str,
) -> Result<Option<(Account, u64)>> {
    let Some((account, hash, secret)) = list_one(store, name)? else {
        // Spend the same time as a real check, so that timing does not tell names apart.
        let _ = Argon2::default().hash_password(password.as_bytes(), &random_salt()?);
        return Ok(None);
    };
    let Ok(parsed) = PasswordHash::new(&hash) else {
        return Ok(None);
    };
    if Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_err()
    {
        return Ok(None);
    }
    Ok(crate::totp::check_now(&secret, code).map(|step| (account, step)))
}

/// The TOTP secret of an account (for the demo's sign-in instructions).
pub fn totp_secret(store: &Store, name: &str) -> Result<Option<String>> {
    Ok(list_one(store, name)?.map(|(_, _, s)| s))
}

/// A signed-in session.
#[derive(Clone, Debug)]
pub struct Session {
    /// SHA-256 of the token: the session's id in the ledger.
    pub id: String,
    /// The account.
    pub account: Account,
    /// The CSRF token its forms carry.
    pub csrf: String,
}

fn random_hex(n: usize) -> Result<String> {
    let mut b = vec![0u8; n];
    getrandom::getrandom(&mut b).map_err(|e| Error::refused(e.to_string()))?;
    Ok(hex::encode(b))
}

/// Opens a session; returns the cookie token and the session.
pub fn open_session(store: &Store, account: &Account, ttl_secs: i64) -> Result<(String, Session)> {
    let token = random_hex(32)?;
    let id = crate::sha256_hex(token.as_bytes());
    let csrf = random_hex(32)?;
    let now = chrono::Utc::now().timestamp();
    let expires = now + ttl_secs;
    // Expired sessions are of no use to anyone: drop them as new ones open.
    store
        .conn
        .execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])
        .db(&store.path)?;
    store
        .conn
        .execute(
            "INSERT INTO sessions (id, account, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, account.name, csrf, crate::now(), expires],
        )
        .db(&store.path)?;
    Ok((
        token,
        Session {
            id,
            account: account.clone(),
            csrf,
        },
    ))
}

/// The live session of a cookie token.
pub fn session(store: &Store, token: &str) -> Result<Option<Session>> {
    let id = crate::sha256_hex(token.as_bytes());
    let now = chrono::Utc::now().timestamp();
    let row: Option<(String, String)> = store
        .conn
        .prepare_cached("SELECT account, csrf FROM sessions WHERE id = ?1 AND expires_at > ?2")
        .and_then(|mut st| {
            st.query_row(params![id, now], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .db(&store.path)?;
    let Some((name, csrf)) = row else {
        return Ok(None);
    };
    Ok(get(store, &name)?.map(|account| Session { id, account, csrf }))
}

/// Ends a session.
pub fn close_session(store: &Store, token: &str) -> Result<()> {
    let id = crate::sha256_hex(token.as_bytes());
    store
        .conn
        .execute("DELETE FROM sessions WHERE id = ?1", [id])
        .db(&store.path)?;
    Ok(())
}
