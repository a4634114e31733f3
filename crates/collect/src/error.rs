//! Why nothing could be collected.

/// Collection failed before anything was read.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The async runtime could not start.
    #[error("could not start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// No credentials were found, or they were refused.
    #[error("no usable AWS credentials: {0}")]
    Credentials(String),
    /// The endpoint did not answer in time or could not be reached.
    #[error("could not reach AWS at `{endpoint}`: {detail}")]
    Unreachable {
        /// The endpoint tried.
        endpoint: String,
        /// The error.
        detail: String,
    },
    /// `sts:GetCallerIdentity` failed for another reason.
    #[error("`sts:GetCallerIdentity` failed: {0}")]
    Identity(String),
    /// Not an `s3://BUCKET/PREFIX` location.
    #[error("`{0}` is not an S3 location like `s3://BUCKET/PREFIX`")]
    Location(String),
    /// The bucket could not be listed.
    #[error("cannot list `{location}`: {detail}")]
    Bucket {
        /// `s3://BUCKET/PREFIX`.
        location: String,
        /// S3's answer.
        detail: String,
    },
}
