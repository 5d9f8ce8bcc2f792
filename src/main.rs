/// mimalloc: the API's many small short-lived allocations (headers, JSON,
/// rows) cost less than with the system allocator (see the README's
/// Performance section for the measurement).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    rightsdesk::cli::main()
}
