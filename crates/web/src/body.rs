//! Request bodies that cannot hold the desk hostage: a body that stalls is
//! cut off, and one that takes too long in all is too.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use futures_util::Stream;
use tokio::time::{Instant, Sleep, sleep_until};

/// Longest wait for the next bytes of a body, unless configured
/// (`RIGHTSDESK_BODY_TIMEOUT`).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(15);
/// Longest time to receive a whole body (10 MB at about 700 kbit/s).
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(120);

/// Whether a payload error is the cut-off of a body that was too slow.
pub fn is_timeout(error: &PayloadError) -> bool {
    matches!(error, PayloadError::Io(e) if e.kind() == io::ErrorKind::TimedOut)
}

/// A body stream that fails with `TimedOut` when no bytes arrive for
/// `idle`, or when the whole body is not in by `deadline`.
struct Timed<S> {
    inner: S,
    idle: Duration,
    deadline: Instant,
    next: Pin<Box<Sleep>>,
}

impl<S> Timed<S> {
    fn new(inner: S, idle: Duration, total: Duration) -> Self {
        let now = Instant::now();
        let deadline = now + total;
        Self {
            inner,
            idle,
            deadline,
            next: Box::pin(sleep_until((now + idle).min(deadline))),
        }
    }
}

impl<S> Stream for Timed<S>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin,
{
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(item) => {
                let next = (Instant::now() + self.idle).min(self.deadline);
                self.next.as_mut().reset(next);
                Poll::Ready(item)
            }
            Poll::Pending => match self.next.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(PayloadError::Io(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the request body was too slow",
                ))))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

/// Middleware: every request body is read under the configured idle
/// timeout and [`TOTAL_TIMEOUT`].
pub async fn limit_body_time(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // Requests that carry no body (page and API reads) pay nothing.
    if matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD
    ) {
        return next.call(req).await;
    }
    let idle = req
        .app_data::<actix_web::web::Data<super::AppState>>()
        .map_or(IDLE_TIMEOUT, |state| state.config().body_timeout);
    let payload = req.take_payload();
    let timed = Timed::new(payload, idle, TOTAL_TIMEOUT);
    req.set_payload(Payload::from(
        Box::pin(timed) as Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>
    ));
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test(start_paused = true)]
    async fn a_stalled_body_is_cut_off_and_a_steady_one_is_not() {
        // Bytes every 10 s: each within the idle limit.
        let steady = futures_util::stream::unfold(0, |n| async move {
            (n < 3).then_some(())?;
            tokio::time::sleep(Duration::from_secs(10)).await;
            Some((Ok::<_, PayloadError>(Bytes::from_static(b"x")), n + 1))
        });
        let mut timed = Timed::new(Box::pin(steady), IDLE_TIMEOUT, TOTAL_TIMEOUT);
        let mut got = 0;
        while let Some(item) = timed.next().await {
            assert!(item.is_ok());
            got += 1;
        }
        assert_eq!(got, 3);

        // Nothing at all: cut off after the idle limit.
        let stalled = futures_util::stream::pending::<Result<Bytes, PayloadError>>();
        let started = Instant::now();
        let mut timed = Timed::new(stalled, IDLE_TIMEOUT, TOTAL_TIMEOUT);
        let error = timed.next().await.expect("an item").expect_err("a timeout");
        assert!(is_timeout(&error));
        assert_eq!(started.elapsed(), IDLE_TIMEOUT);

        // A trickle: cut off at the total limit.
        let trickle = futures_util::stream::unfold((), |()| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            Some((Ok::<_, PayloadError>(Bytes::from_static(b"x")), ()))
        });
        let started = Instant::now();
        let mut timed = Timed::new(Box::pin(trickle), IDLE_TIMEOUT, TOTAL_TIMEOUT);
        loop {
            match timed.next().await {
                Some(Ok(_)) => continue,
                Some(Err(error)) => {
                    assert!(is_timeout(&error));
                    break;
                }
                None => panic!("the trickle never ends"),
            }
        }
        assert_eq!(started.elapsed(), TOTAL_TIMEOUT);
    }
}
