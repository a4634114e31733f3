//! Decompresses the committed catalog at build time, so that loading it at run time is
//! only parsing, and names can borrow from the embedded text.

use std::io::Read as _;

fn main() {
    let src = "data/catalog.tsv.gz";
    println!("cargo::rerun-if-changed={src}");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let text = std::fs::read(src).and_then(|bytes| {
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text)?;
        Ok(text)
    });
    match text {
        Ok(text) => {
            if let Err(e) = std::fs::write(out.join("catalog.tsv"), text) {
                println!("cargo::error=cannot write the catalog: {e}");
            }
        }
        Err(e) => println!("cargo::error=cannot read {src}: {e}"),
    }
}
