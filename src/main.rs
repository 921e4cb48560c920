//! The `omnilab` command line.

fn main() {}
