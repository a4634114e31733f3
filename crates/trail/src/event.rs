//! The parts of a CloudTrail event phiward reads, borrowed from the decompressed file.
//!
//! Every field is [`Str`]: a string when the event has one there, nothing when the field
//! is absent, `null` or of another JSON type. An event that is valid JSON therefore always
//! deserializes, and what it lacks is judged by the code that needs it; only broken JSON
//! makes a record unreadable.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// An optional string borrowed from the input when it has no escapes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Str<'a>(pub Option<Cow<'a, str>>);

impl<'a> Str<'a> {
    /// The string, or `None`.
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// The string, or `""`.
    pub fn or_empty(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }
}

struct StrVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for StrVisitor<'a> {
    type Value = Str<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Str<'a>, E> {
        Ok(Str(Some(Cow::Borrowed(v))))
    }
    fn visit_str<E>(self, v: &str) -> Result<Str<'a>, E> {
        Ok(Str(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_string<E>(self, v: String) -> Result<Str<'a>, E> {
        Ok(Str(Some(Cow::Owned(v))))
    }
    // Booleans are kept as text: `additionalEventData.MFAUsed` is `"Yes"`, but
    // `sessionContext.attributes.mfaAuthenticated` is `"true"` or, in some exports, `true`.
    fn visit_bool<E>(self, v: bool) -> Result<Str<'a>, E> {
        Ok(Str(Some(Cow::Borrowed(if v { "true" } else { "false" }))))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Str<'a>, E> {
        Ok(Str(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Str<'a>, E> {
        Ok(Str(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Str<'a>, E> {
        Ok(Str(None))
    }
    fn visit_unit<E>(self) -> Result<Str<'a>, E> {
        Ok(Str(None))
    }
    fn visit_none<E>(self) -> Result<Str<'a>, E> {
        Ok(Str(None))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Str<'a>, D::Error> {
        d.deserialize_any(StrVisitor(std::marker::PhantomData))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Str<'a>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Str(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Str<'a>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Str(None))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrVisitor(std::marker::PhantomData))
    }
}

/// An object that is `T` when the input has an object there, and `T::default()` for
/// anything else, so that odd values do not make the event unreadable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lenient<T>(pub T);

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for V<T> {
            type Value = Lenient<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Lenient)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Lenient(T::default()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Lenient(T::default()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Lenient(T::default()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Lenient(T::default()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Lenient(T::default()))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Lenient(T::default()))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Lenient(T::default()))
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Lenient(T::default()))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A list that is the array's elements when the input has an array there, and empty for
/// anything else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = seq.next_element::<T>()? {
                    v.push(x);
                }
                Ok(List(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(List(Vec::new()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(List(Vec::new()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(List(Vec::new()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(List(Vec::new()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(List(Vec::new()))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(List(Vec::new()))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(List(Vec::new()))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// `userIdentity.sessionContext.sessionIssuer`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SessionIssuer<'a> {
    /// `Role`, `IAMUser`, `Root`.
    #[serde(borrow, rename = "type")]
    pub kind: Str<'a>,
    /// The role's (or user's) ARN.
    #[serde(borrow)]
    pub arn: Str<'a>,
}

/// `userIdentity.sessionContext.attributes`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SessionAttributes<'a> {
    /// `"true"` when the session was created with MFA.
    #[serde(borrow)]
    pub mfa_authenticated: Str<'a>,
}

/// `userIdentity.sessionContext`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SessionContext<'a> {
    /// Who issued the session.
    #[serde(borrow, default)]
    pub session_issuer: Lenient<SessionIssuer<'a>>,
    /// MFA, creation date.
    #[serde(borrow, default)]
    pub attributes: Lenient<SessionAttributes<'a>>,
}

/// `userIdentity`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UserIdentity<'a> {
    /// `IAMUser`, `AssumedRole`, `FederatedUser`, `Root`, `AWSService`, `AWSAccount`, ...
    #[serde(borrow, rename = "type")]
    pub kind: Str<'a>,
    /// The caller's ARN.
    #[serde(borrow, default)]
    pub arn: Str<'a>,
    /// The caller's account.
    #[serde(borrow, default)]
    pub account_id: Str<'a>,
    /// The user name (IAM users, root's alias, SAML and web-identity users).
    #[serde(borrow, default)]
    pub user_name: Str<'a>,
    /// The service that made the call on the caller's behalf.
    #[serde(borrow, default)]
    pub invoked_by: Str<'a>,
    /// Sessions: issuer and attributes.
    #[serde(borrow, default)]
    pub session_context: Lenient<SessionContext<'a>>,
}

/// One entry of `resources`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EventResource<'a> {
    /// The resource's ARN.
    #[serde(borrow, rename = "ARN", default)]
    pub arn: Str<'a>,
}

/// The few request parameters that name a resource or a target principal.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RequestParameters<'a> {
    /// S3 bucket.
    #[serde(borrow, default)]
    pub bucket_name: Str<'a>,
    /// S3 object key.
    #[serde(borrow, default)]
    pub key: Str<'a>,
    /// STS `AssumeRole` target.
    #[serde(borrow, default)]
    pub role_arn: Str<'a>,
    /// IAM calls on a user (`CreateAccessKey`).
    #[serde(borrow, default)]
    pub user_name: Str<'a>,
}

/// `responseElements`, for console sign-in results.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ResponseElements<'a> {
    /// `Success` or `Failure`.
    #[serde(borrow, rename = "ConsoleLogin", default)]
    pub console_login: Str<'a>,
}

/// `additionalEventData`, for console sign-ins.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AdditionalEventData<'a> {
    /// `Yes` or `No`.
    #[serde(borrow, rename = "MFAUsed", default)]
    pub mfa_used: Str<'a>,
}

/// A CloudTrail event, reduced to what phiward reads.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Event<'a> {
    /// `2024-05-01T12:00:00Z`.
    #[serde(borrow, default)]
    pub event_time: Str<'a>,
    /// `s3.amazonaws.com`.
    #[serde(borrow, default)]
    pub event_source: Str<'a>,
    /// `GetObject`.
    #[serde(borrow, default)]
    pub event_name: Str<'a>,
    /// The event's id.
    #[serde(borrow, rename = "eventID", default)]
    pub event_id: Str<'a>,
    /// Region of the call.
    #[serde(borrow, default)]
    pub aws_region: Str<'a>,
    /// `AwsApiCall`, `AwsConsoleSignIn`, ...
    #[serde(borrow, default)]
    pub event_type: Str<'a>,
    /// Set when the call failed.
    #[serde(borrow, default)]
    pub error_code: Str<'a>,
    /// `readOnly`: `"true"` or `"false"` (a JSON boolean, kept as text).
    #[serde(borrow, default)]
    pub read_only: Str<'a>,
    /// Caller's IP address or service name.
    #[serde(borrow, rename = "sourceIPAddress", default)]
    pub source_ip_address: Str<'a>,
    /// Caller's user agent.
    #[serde(borrow, default)]
    pub user_agent: Str<'a>,
    /// The account the event was delivered for.
    #[serde(borrow, default)]
    pub recipient_account_id: Str<'a>,
    /// Who made the call.
    #[serde(borrow, default)]
    pub user_identity: Lenient<UserIdentity<'a>>,
    /// Resources the call touched (data events, some management events).
    #[serde(borrow, default)]
    pub resources: List<Lenient<EventResource<'a>>>,
    /// Request parameters naming a resource.
    #[serde(borrow, default)]
    pub request_parameters: Lenient<RequestParameters<'a>>,
    /// Response elements (console sign-in result).
    #[serde(borrow, default)]
    pub response_elements: Lenient<ResponseElements<'a>>,
    /// Additional data (console sign-in MFA).
    #[serde(borrow, default)]
    pub additional_event_data: Lenient<AdditionalEventData<'a>>,
}

/// What kind of caller a [`PrincipalKey`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    /// An IAM user.
    User,
    /// An IAM role (its sessions are folded into it).
    Role,
    /// A federated user (`GetFederationToken`).
    FederatedUser,
    /// The account's root user.
    Root,
    /// An AWS service acting on its own.
    Service,
    /// Another account (`AWSAccount`).
    Account,
    /// A SAML, web-identity or Identity Center user, or a type phiward does not know.
    Other,
}

/// Who a usage record is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalKey<'e> {
    /// The user's or role's ARN, root's `arn:aws:iam::ACCOUNT:root`, a service's name.
    pub id: Cow<'e, str>,
    /// Its kind.
    pub kind: PrincipalKind,
}

/// The role ARN an `assumed-role` ARN stands for, when the session issuer is not given
/// (the role's path is then unknown and left out).
fn role_of_session(arn: &str) -> Option<String> {
    let rest = arn.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let (partition, _sts, _region, account, res) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let name = res.strip_prefix("assumed-role/")?.split('/').next()?;
    Some(format!("arn:{partition}:iam::{account}:role/{name}"))
}

impl<'a> Event<'a> {
    /// The principal the event is attributed to.
    pub fn principal(&self) -> PrincipalKey<'_> {
        let u = &self.user_identity.0;
        fn key(id: Cow<'_, str>, kind: PrincipalKind) -> PrincipalKey<'_> {
            PrincipalKey { id, kind }
        }
        let arn = u.arn.get();
        match u.kind.or_empty() {
            "IAMUser" => key(
                Cow::Borrowed(arn.unwrap_or("unknown-user")),
                PrincipalKind::User,
            ),
            "AssumedRole" => {
                let issuer = &u.session_context.0.session_issuer.0;
                if let Some(a) = issuer.arn.get() {
                    return key(Cow::Borrowed(a), PrincipalKind::Role);
                }
                match arn.and_then(role_of_session) {
                    Some(r) => key(Cow::Owned(r), PrincipalKind::Role),
                    None => key(
                        Cow::Borrowed(arn.unwrap_or("unknown-role")),
                        PrincipalKind::Role,
                    ),
                }
            }
            "FederatedUser" => key(
                Cow::Borrowed(arn.unwrap_or("unknown-federated-user")),
                PrincipalKind::FederatedUser,
            ),
            "Root" => match (arn, u.account_id.get()) {
                (Some(a), _) => key(Cow::Borrowed(a), PrincipalKind::Root),
                (None, Some(acct)) => key(
                    Cow::Owned(format!("arn:aws:iam::{acct}:root")),
                    PrincipalKind::Root,
                ),
                (None, None) => key(Cow::Borrowed("root"), PrincipalKind::Root),
            },
            "AWSService" => key(
                Cow::Borrowed(u.invoked_by.get().unwrap_or("unknown-service")),
                PrincipalKind::Service,
            ),
            "AWSAccount" => match u.account_id.get() {
                Some(acct) => key(
                    Cow::Owned(format!("arn:aws:iam::{acct}:root")),
                    PrincipalKind::Account,
                ),
                None => key(Cow::Borrowed("unknown-account"), PrincipalKind::Account),
            },
            other => match (arn, u.user_name.get()) {
                (Some(a), _) => key(Cow::Borrowed(a), PrincipalKind::Other),
                (None, Some(n)) => key(Cow::Owned(format!("{other}:{n}")), PrincipalKind::Other),
                (None, None) if other.is_empty() => {
                    key(Cow::Borrowed("unknown"), PrincipalKind::Other)
                }
                (None, None) => key(Cow::Borrowed(other), PrincipalKind::Other),
            },
        }
    }

    /// Whether the call was refused for lack of permission.
    pub fn denied(&self) -> bool {
        self.error_code.get().is_some_and(is_denied_code)
    }

    /// The resource ARNs the event names: `resources[].ARN`, else S3's bucket and key
    /// or STS's role from the request parameters.
    pub fn resource_arns(&self, mut f: impl FnMut(&str)) {
        let mut any = false;
        for r in &self.resources.0 {
            if let Some(a) = r.0.arn.get() {
                any = true;
                f(a);
            }
        }
        if any {
            return;
        }
        let p = &self.request_parameters.0;
        if self.event_source.or_empty().starts_with("s3.") {
            if let Some(b) = p.bucket_name.get() {
                match p.key.get() {
                    Some(k) => f(&format!("arn:aws:s3:::{b}/{k}")),
                    None => f(&format!("arn:aws:s3:::{b}")),
                }
            }
        } else if let Some(r) = p.role_arn.get() {
            f(r);
        }
    }
}

/// `AccessDenied`, `UnauthorizedOperation`, `Client.UnauthorizedOperation` and the
/// service-specific `...AccessDenied...` codes (`AccessDeniedException`).
pub fn is_denied_code(code: &str) -> bool {
    code.contains("AccessDenied") || code.ends_with("UnauthorizedOperation")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(json: &str) -> Event<'_> {
        serde_json::from_str(json).unwrap_or_default()
    }

    #[test]
    fn principals() {
        let e = ev(
            r#"{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/R/s",
            "sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::1:role/p/R"}}}}"#,
        );
        assert_eq!(e.principal().id, "arn:aws:iam::1:role/p/R");
        let e = ev(
            r#"{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/R/s"}}"#,
        );
        assert_eq!(e.principal().id, "arn:aws:iam::1:role/R");
        let e = ev(r#"{"userIdentity":{"type":"Root","accountId":"1"}}"#);
        assert_eq!(
            e.principal(),
            PrincipalKey {
                id: "arn:aws:iam::1:root".into(),
                kind: PrincipalKind::Root
            }
        );
        let e = ev(r#"{"userIdentity":{"type":"AWSService","invokedBy":"config.amazonaws.com"}}"#);
        assert_eq!(e.principal().kind, PrincipalKind::Service);
        let e = ev(r#"{"userIdentity":{"type":"SAMLUser","userName":"kim"}}"#);
        assert_eq!(e.principal().id, "SAMLUser:kim");
        let e = ev(r#"{"userIdentity":7}"#);
        assert_eq!(e.principal().id, "unknown");
    }

    #[test]
    fn odd_values_do_not_fail() {
        let e: Result<Event<'_>, _> = serde_json::from_str(
            r#"{"eventTime":5,"userIdentity":"x","resources":{"a":1},"requestParameters":[1,2],
               "responseElements":null,"eventName":["a"],"additionalEventData":{"MFAUsed":true}}"#,
        );
        let e = e.unwrap_or_default();
        assert_eq!(e.event_time.get(), None);
        assert_eq!(e.additional_event_data.0.mfa_used.get(), Some("true"));
    }

    #[test]
    fn denied_codes() {
        for c in [
            "AccessDenied",
            "AccessDeniedException",
            "Client.UnauthorizedOperation",
            "UnauthorizedOperation",
            "KMS.AccessDeniedException",
        ] {
            assert!(is_denied_code(c), "{c}");
        }
        for c in ["NoSuchKey", "ThrottlingException", "Unauthorized"] {
            assert!(!is_denied_code(c), "{c}");
        }
    }

    #[test]
    fn resources_from_parameters() {
        let e = ev(
            r#"{"eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b","key":"k/1"}}"#,
        );
        let mut got = Vec::new();
        e.resource_arns(|a| got.push(a.to_string()));
        assert_eq!(got, ["arn:aws:s3:::b/k/1"]);
        let e = ev(
            r#"{"eventSource":"s3.amazonaws.com","resources":[{"ARN":"arn:aws:s3:::b"}],"requestParameters":{"bucketName":"x"}}"#,
        );
        let mut got = Vec::new();
        e.resource_arns(|a| got.push(a.to_string()));
        assert_eq!(got, ["arn:aws:s3:::b"]);
    }
}
