//! The settings overlay (`S`): the fit settings a config holds, changed with Left/Right
//! on a draft and applied with Enter (a refit; `w` saves them). Pure, like `update`.

use crate::config::Experiment;
use crate::data::Categorical;

use super::action::Action;
use super::app::{App, Level, Overlay};
use super::axis::num;
use super::update::{Effect, changed};

/// The rows of the overlay, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Folds,
    Seed,
    NAlphas,
    Eps,
    Standardize,
    Intercept,
    Categorical,
}

pub const FIELDS: [Field; 7] = [
    Field::Folds,
    Field::Seed,
    Field::NAlphas,
    Field::Eps,
    Field::Standardize,
    Field::Intercept,
    Field::Categorical,
];

impl Field {
    /// The config key, as users will look for it in the TOML.
    pub fn key(self) -> &'static str {
        match self {
            Field::Folds => "cv.folds",
            Field::Seed => "cv.seed",
            Field::NAlphas => "path.n_alphas",
            Field::Eps => "path.eps",
            Field::Standardize => "model.standardize",
            Field::Intercept => "model.fit_intercept",
            Field::Categorical => "data.categorical",
        }
    }

    pub fn value(self, e: &Experiment) -> String {
        let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
        match self {
            Field::Folds if e.cv.fold_column.is_some() => "from the fold column".into(),
            Field::Folds => e.cv.folds().to_string(),
            Field::Seed => e.cv.seed.to_string(),
            Field::NAlphas if e.path.alphas.is_some() => "the config's path.alphas".into(),
            Field::NAlphas => e.path.n_alphas.to_string(),
            Field::Eps if e.path.alphas.is_some() => "the config's path.alphas".into(),
            Field::Eps => e
                .path
                .eps
                .map_or("auto (1e-3; 1e-2 if p > n; 1e-6 ridge)".into(), num),
            Field::Standardize => yes(e.model.standardize),
            Field::Intercept => yes(e.model.fit_intercept),
            Field::Categorical => e.data.categorical.name().into(),
        }
    }

    /// Step the value: `up` is Right / `+` / Space.
    pub fn step(self, e: &mut Experiment, up: bool) {
        match self {
            Field::Folds => {
                let k = e.cv.folds();
                e.cv.folds = Some(if up {
                    (k + 1).min(100)
                } else {
                    k.saturating_sub(1).max(2)
                });
            }
            Field::Seed => {
                e.cv.seed = if up {
                    e.cv.seed.wrapping_add(1)
                } else {
                    e.cv.seed.wrapping_sub(1)
                }
            }
            Field::NAlphas => {
                let n = e.path.n_alphas;
                e.path.n_alphas = if up {
                    (n + 10).min(1000)
                } else {
                    n.saturating_sub(10).max(2)
                };
            }
            Field::Eps => {
                // decades: auto -> 1e-3 -> 1e-4 ... (down = a wider grid); up to 0.1
                let eps = e.path.eps.unwrap_or(1e-2);
                let new = if up { eps * 10.0 } else { eps / 10.0 };
                e.path.eps = if (1e-12..1.0).contains(&new) {
                    Some(new)
                } else {
                    e.path.eps
                };
            }
            Field::Standardize => e.model.standardize = !e.model.standardize,
            Field::Intercept => e.model.fit_intercept = !e.model.fit_intercept,
            Field::Categorical => {
                e.data.categorical = match e.data.categorical {
                    Categorical::OneHot => Categorical::Drop,
                    Categorical::Drop => Categorical::OneHot,
                }
            }
        }
    }
}

/// Keys of the settings overlay.
pub fn on_settings(app: &mut App, action: Action) -> Vec<Effect> {
    let Overlay::Settings(st) = &mut app.overlay else {
        return vec![];
    };
    let last = FIELDS.len() - 1;
    match action {
        Action::LineUp => st.cursor = st.cursor.saturating_sub(1),
        Action::LineDown => st.cursor = (st.cursor + 1).min(last),
        Action::Decrease | Action::Increase => {
            let f = FIELDS[st.cursor.min(last)];
            // "auto" steps from the eps of the grid on screen
            if f == Field::Eps
                && st.draft.path.eps.is_none()
                && let Some(p) = app.path.as_ref().filter(|p| p.alphas.len() >= 2)
            {
                let r = p.alphas[p.alphas.len() - 1] / p.alphas[0];
                if r > 0.0 && r < 1.0 {
                    st.draft.path.eps = Some(r);
                }
            }
            f.step(&mut st.draft, action == Action::Increase);
        }
        Action::Back => app.overlay = Overlay::None,
        Action::Redraw => return vec![Effect::Redraw],
        Action::ForceQuit => return vec![Effect::Quit],
        Action::Accept => {
            let draft = st.draft.clone();
            app.overlay = Overlay::None;
            if draft == app.exp {
                return vec![];
            }
            // a statistics file fixes the folds and the coding of text columns
            let fixed = app.stats.is_some()
                && (draft.cv != app.exp.cv || draft.data.categorical != app.exp.data.categorical);
            app.exp = draft;
            let eff = changed(app);
            if fixed {
                app.set_status(
                    Level::Warning,
                    "the statistics file fixes the folds and the coding of text columns: those settings do not apply to it",
                );
            }
            return eff;
        }
        // the panes' actions and the other overlays' are not bound here (keymap.rs)
        crate::tui::action::pane_actions!() | crate::tui::action::list_actions!() => {}
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_stay_in_range_and_toggles_flip() {
        let mut e = Experiment::default_for("x.csv", "y");
        for _ in 0..10 {
            Field::Folds.step(&mut e, false);
        }
        assert_eq!(e.cv.folds, Some(2));
        Field::Folds.step(&mut e, true);
        assert_eq!(e.cv.folds, Some(3));
        for _ in 0..20 {
            Field::NAlphas.step(&mut e, false);
        }
        assert_eq!(e.path.n_alphas, 2);
        assert_eq!(
            Field::Eps.value(&e),
            "auto (1e-3; 1e-2 if p > n; 1e-6 ridge)"
        );
        Field::Eps.step(&mut e, false);
        assert_eq!(e.path.eps, Some(1e-3));
        for _ in 0..20 {
            Field::Eps.step(&mut e, true);
        }
        assert!(
            e.path.eps.is_some_and(|v| v < 1.0 && v > 0.01),
            "{:?}",
            e.path.eps
        );
        for _ in 0..20 {
            Field::Eps.step(&mut e, false);
        }
        assert!(e.path.eps.is_some_and(|v| v >= 1e-12));
        let s = e.model.standardize;
        Field::Standardize.step(&mut e, true);
        assert_eq!(e.model.standardize, !s);
        Field::Categorical.step(&mut e, true);
        assert_eq!(e.data.categorical, Categorical::Drop);
        // every value a config accepts: the draft saves and loads back
        let back = Experiment::from_toml_str(&e.to_toml_string(), "t.toml").unwrap();
        assert_eq!(back, e);
    }
}
