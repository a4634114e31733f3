//! A Ballista cluster in this process: a scheduler and executors on localhost, each on
//! a port the system picks. For the tests and the benchmark that compare Ballista with
//! embedded DataFusion on the same machine; production clusters run Ballista's own
//! `ballista-scheduler` and `ballista-executor` binaries (docs/trail-lake.md).

use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use ballista_core::serde::BallistaCodec;

use crate::error::LakeError;

/// A running local cluster; it stops when dropped.
pub struct LocalCluster {
    runtime: tokio::runtime::Runtime,
    url: String,
}

impl std::fmt::Debug for LocalCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalCluster")
            .field("url", &self.url)
            .finish()
    }
}

impl LocalCluster {
    /// Starts a scheduler and `executors` executors, each running `slots` tasks at once.
    pub fn start(executors: usize, slots: usize) -> Result<LocalCluster, LakeError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_stack_size(crate::engine::STACK)
            .enable_all()
            .build()
            .map_err(LakeError::Runtime)?;
        let url = runtime.block_on(async {
            let addr = ballista_scheduler::standalone::new_standalone_scheduler()
                .await
                .map_err(|e| LakeError::Query(format!("scheduler: {e}")))?;
            let endpoint = format!("http://127.0.0.1:{}", addr.port());
            for _ in 0..executors {
                let client = connect(&endpoint).await?;
                ballista_executor::new_standalone_executor(
                    client,
                    slots.max(1),
                    BallistaCodec::default(),
                )
                .await
                .map_err(|e| LakeError::Query(format!("executor: {e}")))?;
            }
            Ok::<_, LakeError>(format!("df://127.0.0.1:{}", addr.port()))
        })?;
        Ok(LocalCluster { runtime, url })
    }

    /// The scheduler's address for `--cluster` (`df://127.0.0.1:PORT`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The runtime the cluster's tasks run on.
    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        &self.runtime
    }
}

/// Connects to the scheduler, retrying while it starts listening.
async fn connect(
    endpoint: &str,
) -> Result<SchedulerGrpcClient<tonic::transport::Channel>, LakeError> {
    let mut last = String::new();
    for _ in 0..50 {
        match SchedulerGrpcClient::connect(endpoint.to_string()).await {
            Ok(c) => return Ok(c),
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err(LakeError::Query(format!(
        "cannot reach the scheduler at {endpoint}: {last}"
    )))
}
