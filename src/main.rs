fn main() -> std::process::ExitCode {
    rightsdesk::cli::main()
}
