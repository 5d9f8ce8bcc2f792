//! The texts in `locales/` are compiled into this crate by
//! `rust_i18n::i18n!`; a change to them must rebuild it.
fn main() {
    println!("cargo:rerun-if-changed=../../locales");
}
