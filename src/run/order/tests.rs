use super::*;

/// Takes every result in order, working the batches left queued (as
/// doubles of their number, like the workers).
fn take_all(exchange: &Exchange<usize, usize>) -> Vec<usize> {
    let mut taken = Vec::new();
    loop {
        match exchange.next() {
            Next::Take(t) => taken.push(t),
            Next::Work(k, j) => assert!(exchange.give(k, j * 2)),
            Next::Gone => return taken,
        }
    }
}

#[test]
fn results_are_taken_in_order_whatever_order_they_are_given_in() {
    let exchange = Exchange::<usize, usize>::new();
    std::thread::scope(|scope| {
        for w in 0..3 {
            let exchange = &exchange;
            let working = exchange.working();
            scope.spawn(move || {
                let _working = working;
                // worker w gives batches w, w + 3, ..., backwards
                for k in (0..30).filter(|k| k % 3 == w).rev() {
                    assert!(exchange.give(k, k * 10));
                }
            });
        }
        let taken = take_all(&exchange);
        assert_eq!(taken, (0..30).map(|k| k * 10).collect::<Vec<_>>());
    });
}

#[test]
fn batches_are_worked_by_the_workers_and_the_taker_and_taken_in_order() {
    let exchange = Exchange::<usize, usize>::new();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            let exchange = &exchange;
            let working = exchange.working();
            scope.spawn(move || {
                let _working = working;
                while let Some((k, j)) = exchange.job() {
                    if !exchange.give(k, j * 2) {
                        break;
                    }
                }
            });
        }
        for k in 0..100 {
            assert!(exchange.send(k, k));
        }
        exchange.end();
        let taken = take_all(&exchange);
        assert_eq!(taken, (0..100).map(|k| k * 2).collect::<Vec<_>>());
    });
}

#[test]
fn the_taker_works_the_queue_when_no_worker_is_left() {
    let exchange = Exchange::<usize, usize>::new();
    for k in 0..5 {
        assert!(exchange.send(k, k));
    }
    exchange.end();
    assert_eq!(take_all(&exchange), vec![0, 2, 4, 6, 8]);
}

#[test]
fn a_missing_result_ends_the_taking_once_every_worker_is_gone() {
    let exchange = Exchange::<usize, &str>::new();
    let working = exchange.working();
    assert!(exchange.give(1, "second"));
    drop(working);
    // batch 0 never came: nothing after it is handed on
    assert!(matches!(exchange.next(), Next::Gone));
}

#[test]
fn a_panicking_worker_stops_the_taking_and_the_other_workers() {
    let exchange = Exchange::<usize, usize>::new();
    std::thread::scope(|scope| {
        let other = {
            let exchange = &exchange;
            let working = exchange.working();
            scope.spawn(move || {
                let _working = working;
                // waits for a batch that never comes: woken by the panic
                exchange.job().is_none()
            })
        };
        let panicking = {
            let exchange = &exchange;
            let working = exchange.working();
            scope.spawn(move || {
                let _working = working;
                panic!("a worker's panic");
            })
        };
        assert!(panicking.join().is_err());
        // one worker is still there, yet the result never comes
        assert!(matches!(exchange.next(), Next::Gone));
        assert!(other.join().expect("no panic"));
    });
}

#[test]
fn a_closed_taking_refuses_batches_and_results() {
    let exchange = Exchange::<usize, usize>::new();
    let _working = exchange.working();
    assert!(exchange.give(0, 1));
    assert!(matches!(exchange.next(), Next::Take(1)));
    exchange.close();
    assert!(!exchange.give(1, 2));
    assert!(!exchange.send(2, 2));
    assert!(exchange.job().is_none());
}
