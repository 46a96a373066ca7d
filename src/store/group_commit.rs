//! Group commit: writes that arrive while another is under way wait, and
//! the next turn does all of them at once (one transaction, one turn at
//! SQLite's write lock), each still answered on its own.

use std::any::Any;
use std::future::Future;
use std::sync::Mutex;

/// Jobs waiting for the next turn. Untyped here so the application's state
/// can hold one without naming the jobs' types; one queue takes one type.
#[derive(Default)]
pub struct GroupCommit {
    waiting: Mutex<Waiting>,
    turn: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Waiting {
    jobs: Vec<Box<dyn Any + Send>>,
    /// Jobs ever queued, and how many of the first of them a turn has taken:
    /// a job's ticket is its place in that count.
    queued: u64,
    taken: u64,
}

impl GroupCommit {
    /// Queues `job`; then whoever holds the turn runs `write` on every job
    /// waiting, this one too unless an earlier turn has already taken it.
    /// The writing runs in a task of its own: a caller that is dropped (its
    /// client hung up) does not cut short a write that others wait on. The
    /// job answers its caller through its own channel.
    pub async fn submit<J, W, F>(&self, job: J, write: W)
    where
        J: Send + 'static,
        W: FnOnce(Vec<J>) -> F,
        F: Future<Output = ()> + Send + 'static,
    {
        let ticket = {
            let mut waiting = self.waiting.lock().expect("group commit lock");
            waiting.jobs.push(Box::new(job));
            waiting.queued += 1;
            waiting.queued
        };
        let _turn = self.turn.lock().await;
        let jobs = {
            let mut waiting = self.waiting.lock().expect("group commit lock");
            // An earlier turn wrote this job with the others then waiting:
            // done. Taking what arrived since instead would leave each turn
            // one job, as every caller then waits behind callers whose jobs
            // are already written.
            if waiting.taken >= ticket {
                return;
            }
            waiting.taken = waiting.queued;
            std::mem::take(&mut waiting.jobs)
        };
        let jobs: Vec<J> = jobs.into_iter().map(|job| *job.downcast::<J>().expect("one job type per queue")).collect();
        if let Err(e) = tokio::spawn(write(jobs)).await {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn jobs_that_wait_are_written_together_and_each_once() {
        let queue = Arc::new(GroupCommit::default());
        let turns = Arc::new(Mutex::new(Vec::<Vec<u32>>::new()));
        let tasks: Vec<_> = (0..50u32)
            .map(|i| {
                let (queue, turns) = (queue.clone(), turns.clone());
                tokio::spawn(async move {
                    queue
                        .submit(i, |jobs| async move {
                            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                            turns.lock().unwrap().push(jobs);
                        })
                        .await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let turns = turns.lock().unwrap();
        let mut all: Vec<u32> = turns.iter().flatten().copied().collect();
        all.sort();
        assert_eq!(all, (0..50).collect::<Vec<_>>(), "every job written exactly once");
        assert!(turns.len() < 50, "jobs that waited shared a turn: {} turns", turns.len());
    }

    /// Callers that send their next job as soon as the last is answered
    /// (an API client, a webhook sender) keep sharing turns: they are not
    /// left one a turn behind callers whose jobs an earlier turn wrote.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn callers_in_a_loop_keep_sharing_turns() {
        let (callers, rounds) = (16, 50);
        let queue = Arc::new(GroupCommit::default());
        let turns = Arc::new(Mutex::new(0));
        let tasks: Vec<_> = (0..callers)
            .map(|_| {
                let (queue, turns) = (queue.clone(), turns.clone());
                tokio::spawn(async move {
                    for _ in 0..rounds {
                        let (done, answer) = tokio::sync::oneshot::channel::<()>();
                        let turns = turns.clone();
                        queue
                            .submit(done, |jobs: Vec<tokio::sync::oneshot::Sender<()>>| async move {
                                *turns.lock().unwrap() += 1;
                                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                                for job in jobs {
                                    let _ = job.send(());
                                }
                            })
                            .await;
                        answer.await.unwrap();
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let turns = *turns.lock().unwrap();
        assert!(turns * 4 <= callers * rounds, "{} jobs took {turns} turns", callers * rounds);
    }
}
