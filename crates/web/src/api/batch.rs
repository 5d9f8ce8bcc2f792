//! The holds questions of concurrent calls, answered together. A call
//! queues its question here; a dispatcher takes the first waiting, waits
//! for a free workflow slot, then takes every question that arrived
//! meanwhile (up to 1,000 identifiers) and answers them all on one
//! blocking thread with one lookup ([`api_queries::holds_for_many`]). Idle, a
//! call is answered alone at once; under load, the cost of the thread hop
//! and the round trip is shared by everyone waiting. Only the questions
//! that need the database come here: most are answered from the set of
//! held keys, and on SQLite a question is answered on the calling thread
//! when a connection is idle ([`api_queries::holds_in_place`]).

use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc, oneshot};

use app::api_queries::ActiveHold;
use app::api_queries::{self, HoldQuestion, MAX_BATCH};
use app::{Desk, WorkflowError};

type Answer = Result<Vec<Vec<ActiveHold>>, WorkflowError>;

struct Job {
    keys: Vec<String>,
    question: HoldQuestion,
    reply: oneshot::Sender<Answer>,
}

/// Where calls queue their holds questions.
#[derive(Clone)]
pub struct HoldsQueue(mpsc::Sender<Job>);

/// Questions waiting beyond this make their calls wait to queue.
const WAITING: usize = 4096;

impl HoldsQueue {
    /// Starts the dispatcher (on the current Tokio runtime); it stops when
    /// every sender is gone.
    pub fn start(desk: Desk, slots: Arc<Semaphore>) -> Self {
        let (tx, rx) = mpsc::channel(WAITING);
        tokio::spawn(dispatch(desk, slots, rx));
        Self(tx)
    }

    /// The active holds on each identifier (by its key) that cover what
    /// is asked.
    pub async fn ask(&self, keys: Vec<String>, question: HoldQuestion) -> Answer {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            keys,
            question,
            reply,
        };
        self.0.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> WorkflowError {
    WorkflowError::Stopped("the holds dispatcher has stopped")
}

async fn dispatch(desk: Desk, slots: Arc<Semaphore>, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let mut count = first.keys.len();
        let mut jobs = vec![first];
        while count < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => {
                    count += job.keys.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        let d = desk.clone();
        tokio::spawn(async move {
            let (questions, replies): (Vec<_>, Vec<_>) =
                jobs.into_iter().map(|j| ((j.keys, j.question), j.reply)).unzip();
            let answers =
                tokio::task::spawn_blocking(move || api_queries::holds_for_many(&d, &questions)).await;
            drop(slot);
            match answers {
                Ok(answers) => {
                    for (reply, answer) in replies.into_iter().zip(answers) {
                        let _ = reply.send(answer);
                    }
                }
                Err(error) => tracing::error!(%error, "a holds lookup panicked"),
            }
        });
    }
}
