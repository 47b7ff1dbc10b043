//! A future run to completion on a throwaway current-thread runtime, for the synchronous
//! tests of the mock and end-to-end harnesses (and their statics).

/// Runs a future to completion on a throwaway current-thread runtime.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(f)
}
