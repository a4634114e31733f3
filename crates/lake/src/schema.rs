//! The lake's table: one row per CloudTrail record, typed columns for what phiward reads,
//! and the record itself. The partition columns (`account`, `region`, `day`) live in the
//! folder names, not in the files. `docs/trail-lake.md` documents every column and gives
//! the equivalent Athena table.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// The table name queries use.
pub const EVENTS: &str = "events";

/// The partition columns, in folder order: the account the event was delivered for
/// (`recipientAccountId`, else the log's folder), its region (`awsRegion`, else the
/// folder's), and the event's day (UTC, `YYYY-MM-DD`; not the delivery folder's day).
pub const PARTITIONS: [&str; 3] = ["account", "region", "day"];

fn text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

fn list(name: &str) -> Field {
    Field::new(
        name,
        DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
        false,
    )
}

/// The columns stored in each Parquet file.
pub fn file_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        // `eventTime`, UTC, to the second (as phiward's reader reads it).
        Field::new(
            "event_time",
            DataType::Timestamp(TimeUnit::Millisecond, None),
            false,
        ),
        text("event_source"),
        text("event_name"),
        // The IAM actions the call needed (the catalog's event-to-action map).
        list("actions"),
        text("event_id"),
        text("event_type"),
        text("aws_region"),
        text("recipient_account_id"),
        // Who, as `trail usage` names it: a role session is its role.
        Field::new("principal", DataType::Utf8, false),
        Field::new("principal_kind", DataType::Utf8, false),
        text("identity_type"),
        text("identity_arn"),
        text("identity_account"),
        text("user_name"),
        text("invoked_by"),
        text("session_issuer_type"),
        text("session_issuer"),
        text("mfa_authenticated"),
        text("source_ip"),
        text("user_agent"),
        text("error_code"),
        Field::new("denied", DataType::Boolean, false),
        Field::new("read_only", DataType::Boolean, true),
        Field::new("mfa", DataType::Boolean, false),
        // `resources[].ARN` as CloudTrail lists them.
        list("resources"),
        // The ARNs `trail usage` attributes the call to: `resources[].ARN`, else S3's
        // bucket and key or STS's role from the request parameters.
        list("resource_arns"),
        text("bucket_name"),
        text("object_key"),
        text("role_arn"),
        text("target_user_name"),
        text("console_login"),
        text("mfa_used"),
        // Where the record came from: the log file (as `trail usage` names it) and its
        // 0-based index there.
        Field::new("file", DataType::Utf8, false),
        Field::new("record", DataType::Int32, false),
        // The record as CloudTrail wrote it (null only for files too large to hold in
        // memory, which are streamed).
        text("raw"),
    ]))
}

/// The file schema and the partition columns: what a query sees.
pub fn table_schema() -> SchemaRef {
    let mut fields: Vec<Field> = file_schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields.extend(
        PARTITIONS
            .iter()
            .map(|p| Field::new(*p, DataType::Utf8, false)),
    );
    Arc::new(Schema::new(fields))
}
