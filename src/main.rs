// A request or a job never panics on a missing value: outside tests, `unwrap` and `expect` do not compile.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
