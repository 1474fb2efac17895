//! The TUI's update function under random event sequences: every key of the keymap,
//! prompt text, resizes (down to 1x1), ticks, and a scripted worker that answers jobs
//! with a real fit, a path only, a failure, a cancel or a panic. Every step draws the
//! frame and checks the invariants (regscope::tui::script).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    regscope::tui::script::run(data);
});
