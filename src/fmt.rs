//! One readable number format for tables, messages and notes: five significant digits,
//! plain between 1e-3 and 1e5, scientific outside, trailing zeros dropped
//! (`9.0737`, `0`, `2986.4`, `1.5e-7`, `1e308`).

/// `x` the way people read it (see the module docs); `inf`, `-inf` and `NaN` as such.
pub fn num(x: f64) -> String {
    num_sig(x, 5)
}

/// The same format with `sig` significant digits (charts use four, for tight labels).
pub fn num_sig(x: f64, sig: usize) -> String {
    let sig = sig.max(1);
    if !x.is_finite() {
        return format!("{x}");
    }
    let a = x.abs();
    if a == 0.0 {
        return "0".into();
    }
    // the exponent after rounding to `sig` significant digits (9.99996 becomes 10)
    let sci = format!("{x:.prec$e}", prec = sig - 1);
    let exp: i32 = sci
        .rsplit_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    if (-3..5).contains(&exp) {
        let decimals = (sig as i32 - 1 - exp).max(0) as usize;
        let s = format!("{x:.decimals$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.')
        } else {
            s.as_str()
        };
        if s == "-0" { "0".into() } else { s.to_string() }
    } else {
        let (mantissa, e) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}e{e}")
    }
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn five_significant_digits_plain_or_scientific() {
        assert_eq!(num(9.073702), "9.0737");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(2986.43), "2986.4");
        assert_eq!(num(29864.3), "29864");
        assert_eq!(num(117_000.0), "1.17e5");
        assert_eq!(num(0.0012345678), "0.0012346");
        assert_eq!(num(1.5e-7), "1.5e-7");
        assert_eq!(num(-2.5e6), "-2.5e6");
        assert_eq!(num(1e308), "1e308");
        assert_eq!(num(-0.25), "-0.25");
        // rounding that carries into the next power of ten stays consistent
        assert_eq!(num(99999.9), "1e5");
        assert_eq!(num(0.00099999999), "0.001");
        assert_eq!(num(f64::INFINITY), "inf");
        assert_eq!(num(f64::NAN), "NaN");
    }

    #[test]
    fn fewer_significant_digits_for_charts() {
        use super::num_sig;
        assert_eq!(num_sig(9.073702, 4), "9.074");
        assert_eq!(num_sig(2986.43, 4), "2986");
        assert_eq!(num_sig(0.4321, 4), "0.4321");
        assert_eq!(num_sig(117_000.0, 4), "1.17e5");
        assert_eq!(num_sig(9999.96, 4), "10000");
        assert_eq!(num_sig(99999.6, 4), "1e5");
        assert_eq!(num_sig(-1.5e-7, 4), "-1.5e-7");
        assert_eq!(num_sig(f64::NEG_INFINITY, 4), "-inf");
    }
}
