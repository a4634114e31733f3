//! One lake row per CloudTrail record, built from `phiward_trail`'s parsed event, and
//! rows into Arrow record batches.

use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Int32Builder, ListBuilder, RecordBatch, StringBuilder,
    TimestampMillisecondBuilder,
};
use phiward_trail::event::{Event, PrincipalKind};
use rustc_hash::FxHashMap;

use crate::schema::file_schema;

/// A record, owned.
#[derive(Clone, Debug, Default)]
pub(crate) struct Row {
    pub time: i64,
    pub source: Option<String>,
    pub name: Option<String>,
    pub actions: Arc<[String]>,
    pub event_id: Option<String>,
    pub event_type: Option<String>,
    pub aws_region: Option<String>,
    pub recipient: Option<String>,
    pub principal: String,
    pub kind: &'static str,
    pub identity_type: Option<String>,
    pub identity_arn: Option<String>,
    pub identity_account: Option<String>,
    pub user_name: Option<String>,
    pub invoked_by: Option<String>,
    pub issuer_type: Option<String>,
    pub issuer: Option<String>,
    pub mfa_authenticated: Option<String>,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub error_code: Option<String>,
    pub denied: bool,
    pub read_only: Option<bool>,
    pub mfa: bool,
    pub resources: Vec<String>,
    pub resource_arns: Vec<String>,
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub role_arn: Option<String>,
    pub target_user: Option<String>,
    pub console_login: Option<String>,
    pub mfa_used: Option<String>,
    pub file: Arc<str>,
    pub record: i32,
    pub raw: Option<String>,
}

/// How `PrincipalKind` is written in the `principal_kind` column (its JSON name).
pub fn kind_name(k: PrincipalKind) -> &'static str {
    match k {
        PrincipalKind::User => "user",
        PrincipalKind::Role => "role",
        PrincipalKind::FederatedUser => "federated_user",
        PrincipalKind::Root => "root",
        PrincipalKind::Service => "service",
        PrincipalKind::Account => "account",
        PrincipalKind::Other => "other",
    }
}

/// The kind a `principal_kind` value names.
pub fn kind_of(s: &str) -> PrincipalKind {
    match s {
        "user" => PrincipalKind::User,
        "role" => PrincipalKind::Role,
        "federated_user" => PrincipalKind::FederatedUser,
        "root" => PrincipalKind::Root,
        "service" => PrincipalKind::Service,
        "account" => PrincipalKind::Account,
        _ => PrincipalKind::Other,
    }
}

/// The catalog's actions for an event, computed once per distinct event per worker.
#[derive(Debug, Default)]
pub(crate) struct ActionCache(FxHashMap<(String, String), Arc<[String]>>);

impl ActionCache {
    fn get(
        &mut self,
        catalog: &phiward_catalog::Catalog,
        source: &str,
        name: &str,
    ) -> Arc<[String]> {
        if let Some(a) = self.0.get(&(source.to_string(), name.to_string())) {
            return a.clone();
        }
        let m = catalog.actions_for_event(source, name);
        let v: Arc<[String]> = m.actions.iter().map(|a| a.full_name()).collect();
        self.0
            .insert((source.to_string(), name.to_string()), v.clone());
        v
    }
}

fn own(s: &phiward_trail::event::Str<'_>) -> Option<String> {
    s.get().map(str::to_string)
}

impl Row {
    /// The row of an event whose time is `time` (seconds).
    pub fn of(
        ev: &Event<'_>,
        time: i64,
        catalog: &phiward_catalog::Catalog,
        cache: &mut ActionCache,
        file: &Arc<str>,
        record: usize,
    ) -> Row {
        let u = &ev.user_identity.0;
        let session = &u.session_context.0;
        let who = ev.principal();
        let actions = match (ev.event_source.get(), ev.event_name.get()) {
            (Some(s), Some(n)) => cache.get(catalog, s, n),
            _ => Arc::from(Vec::new()),
        };
        let mut resource_arns = Vec::new();
        ev.resource_arns(|a| resource_arns.push(a.to_string()));
        let mfa_authenticated = own(&session.attributes.0.mfa_authenticated);
        let mfa_used = own(&ev.additional_event_data.0.mfa_used);
        let p = &ev.request_parameters.0;
        Row {
            time,
            source: own(&ev.event_source),
            name: own(&ev.event_name),
            actions,
            event_id: own(&ev.event_id),
            event_type: own(&ev.event_type),
            aws_region: own(&ev.aws_region),
            recipient: own(&ev.recipient_account_id),
            principal: who.id.into_owned(),
            kind: kind_name(who.kind),
            identity_type: own(&u.kind),
            identity_arn: own(&u.arn),
            identity_account: own(&u.account_id),
            user_name: own(&u.user_name),
            invoked_by: own(&u.invoked_by),
            issuer_type: own(&session.session_issuer.0.kind),
            issuer: own(&session.session_issuer.0.arn),
            source_ip: own(&ev.source_ip_address),
            user_agent: own(&ev.user_agent),
            error_code: own(&ev.error_code),
            denied: ev.denied(),
            read_only: match ev.read_only.get() {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
            mfa: mfa_authenticated.as_deref() == Some("true") || mfa_used.as_deref() == Some("Yes"),
            mfa_authenticated,
            resources: ev
                .resources
                .0
                .iter()
                .filter_map(|r| r.0.arn.get().map(str::to_string))
                .collect(),
            resource_arns,
            bucket: own(&p.bucket_name),
            key: own(&p.key),
            role_arn: own(&p.role_arn),
            target_user: own(&p.user_name),
            console_login: own(&ev.response_elements.0.console_login),
            mfa_used,
            file: file.clone(),
            record: i32::try_from(record).unwrap_or(i32::MAX),
            raw: None,
        }
    }
}

/// Rows into one record batch of [`file_schema`].
pub(crate) fn to_batch(rows: &[Row]) -> Result<RecordBatch, datafusion::arrow::error::ArrowError> {
    let n = rows.len();
    let mut time = TimestampMillisecondBuilder::with_capacity(n);
    let mut denied = BooleanBuilder::with_capacity(n);
    let mut read_only = BooleanBuilder::with_capacity(n);
    let mut mfa = BooleanBuilder::with_capacity(n);
    let mut record = Int32Builder::with_capacity(n);
    let mut lists: Vec<ListBuilder<StringBuilder>> = (0..3)
        .map(|_| ListBuilder::new(StringBuilder::new()))
        .collect();
    // The text columns, in schema order (see `file_schema`).
    fn texts(r: &Row) -> [Option<&str>; 27] {
        [
            r.source.as_deref(),
            r.name.as_deref(),
            r.event_id.as_deref(),
            r.event_type.as_deref(),
            r.aws_region.as_deref(),
            r.recipient.as_deref(),
            Some(r.principal.as_str()),
            Some(r.kind),
            r.identity_type.as_deref(),
            r.identity_arn.as_deref(),
            r.identity_account.as_deref(),
            r.user_name.as_deref(),
            r.invoked_by.as_deref(),
            r.issuer_type.as_deref(),
            r.issuer.as_deref(),
            r.mfa_authenticated.as_deref(),
            r.source_ip.as_deref(),
            r.user_agent.as_deref(),
            r.error_code.as_deref(),
            r.bucket.as_deref(),
            r.key.as_deref(),
            r.role_arn.as_deref(),
            r.target_user.as_deref(),
            r.console_login.as_deref(),
            r.mfa_used.as_deref(),
            Some(&r.file),
            r.raw.as_deref(),
        ]
    }
    let mut t: Vec<StringBuilder> = (0..27).map(|_| StringBuilder::new()).collect();
    for r in rows {
        time.append_value(r.time * 1000);
        denied.append_value(r.denied);
        read_only.append_option(r.read_only);
        mfa.append_value(r.mfa);
        record.append_value(r.record);
        for (b, v) in t.iter_mut().zip(texts(r)) {
            b.append_option(v);
        }
        for (l, items) in
            lists
                .iter_mut()
                .zip([&r.actions[..], &r.resources[..], &r.resource_arns[..]])
        {
            for i in items {
                l.values().append_value(i);
            }
            l.append(true);
        }
    }
    let mut s: Vec<ArrayRef> = t
        .iter_mut()
        .map(|b| Arc::new(b.finish()) as ArrayRef)
        .collect();
    let mut l: Vec<ArrayRef> = lists
        .iter_mut()
        .map(|b| Arc::new(b.finish()) as ArrayRef)
        .collect();
    let take = |v: &mut Vec<ArrayRef>| v.remove(0);
    let (s, l) = (&mut s, &mut l);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(time.finish()),
        take(s), // event_source
        take(s), // event_name
        take(l), // actions
        take(s), // event_id
        take(s), // event_type
        take(s), // aws_region
        take(s), // recipient_account_id
        take(s), // principal
        take(s), // principal_kind
        take(s), // identity_type
        take(s), // identity_arn
        take(s), // identity_account
        take(s), // user_name
        take(s), // invoked_by
        take(s), // session_issuer_type
        take(s), // session_issuer
        take(s), // mfa_authenticated
        take(s), // source_ip
        take(s), // user_agent
        take(s), // error_code
        Arc::new(denied.finish()),
        Arc::new(read_only.finish()),
        Arc::new(mfa.finish()),
        take(l), // resources
        take(l), // resource_arns
        take(s), // bucket_name
        take(s), // object_key
        take(s), // role_arn
        take(s), // target_user_name
        take(s), // console_login
        take(s), // mfa_used
        take(s), // file
        Arc::new(record.finish()),
        take(s), // raw
    ];
    RecordBatch::try_new(file_schema(), columns)
}
