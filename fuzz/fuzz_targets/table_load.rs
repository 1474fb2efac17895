//! CSV bytes to a design matrix: any input gives a dataset or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regscope::data::{DataSpec, Table, build_dataset};

fuzz_target!(|data: &[u8]| {
    let table = match Table::from_csv_bytes("fuzz.csv", data) {
        Ok(t) => t,
        Err(e) => {
            assert!(!e.message().contains('\n'));
            return;
        }
    };
    let _ = table.columns();
    match build_dataset(&table, &DataSpec::default()) {
        Ok(d) => {
            assert_eq!(d.x.nrows(), d.y.len());
            assert_eq!(d.x.ncols(), d.features.len());
            assert!(d.x.iter().chain(d.y.iter()).all(|v| v.is_finite()));
        }
        Err(e) => assert!(!e.message().contains('\n')),
    }
});
