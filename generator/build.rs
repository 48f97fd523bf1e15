//! The default theme is compiled in (`include_dir!`, which cargo does not track): a change
//! to any of its files rebuilds the generator.
fn main() {
    println!("cargo:rerun-if-changed=../themes/default");
    println!("cargo:rerun-if-changed=build.rs");
}
