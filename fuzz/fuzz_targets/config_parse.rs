//! Config parsing must turn any bytes into an experiment or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regscope::config::Experiment;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Experiment::from_toml_str(text, "fuzz.toml") {
        Ok(exp) => {
            // whatever loads must save and load back to the same experiment
            let again = Experiment::from_toml_str(&exp.to_toml_string(), "again.toml")
                .expect("a saved config loads back");
            assert_eq!(again, exp);
        }
        Err(e) => assert!(!e.message().contains('\n')),
    }
});
