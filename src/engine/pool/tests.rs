use super::*;
use std::sync::mpsc::channel;

#[test]
fn runs_jobs_and_gives_back_when_full() {
    let pool = Pool::start("t", 2, 1).expect("pool");
    let (tx, rx) = channel();
    for i in 0..4 {
        let tx = tx.clone();
        let job: Job = Box::new(move || {
            let _ = tx.send(i);
        });
        // A full backlog hands the job back: run it here.
        if let Err(j) = pool.try_run(job) {
            j();
        }
    }
    let mut got: Vec<i32> = (0..4).map(|_| rx.recv().expect("ran")).collect();
    got.sort();
    assert_eq!(got, vec![0, 1, 2, 3]);
    // A panicking job does not kill its (only) worker.
    let pool = Pool::start("u", 1, 4).expect("pool");
    let mut job: Job = Box::new(|| panic!("boom"));
    while let Err(j) = pool.try_run(job) {
        job = j;
        std::thread::yield_now();
    }
    let (tx, rx) = channel();
    let mut job: Job = Box::new(move || {
        let _ = tx.send(1);
    });
    while let Err(j) = pool.try_run(job) {
        job = j;
        std::thread::yield_now();
    }
    assert_eq!(rx.recv().ok(), Some(1));
}

#[test]
fn counts_the_jobs_waiting() {
    let pool = Pool::start("q", 1, 8).expect("pool");
    let (go_tx, go_rx) = channel::<()>();
    let (started_tx, started_rx) = channel();
    // The only worker blocks in this job until told to go on.
    assert!(pool
        .try_run(Box::new(move || {
            let _ = started_tx.send(());
            let _ = go_rx.recv();
        }))
        .is_ok());
    started_rx.recv().expect("started");
    assert_eq!(pool.queued(), 0);
    let (tx, rx) = channel();
    for i in 0..3 {
        let tx = tx.clone();
        assert!(pool
            .try_run(Box::new(move || {
                let _ = tx.send(i);
            }))
            .is_ok());
    }
    assert_eq!(pool.queued(), 3);
    go_tx.send(()).expect("go");
    for _ in 0..3 {
        rx.recv().expect("ran");
    }
    assert_eq!(pool.queued(), 0);
}
