//! SVG to PNG with resvg, text from the embedded font only (no system font lookup).

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, fontdb};

use super::Chart;
use super::font::{FAMILY, TTF};

/// A font database holding the embedded font alone, built once.
fn fonts() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_font_data(TTF.to_vec());
        db.set_sans_serif_family(FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// The chart as PNG bytes at its own size.
pub fn render_png(chart: &Chart) -> Result<Vec<u8>, String> {
    let opt = usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&chart.svg, &opt).map_err(|e| e.to_string())?;
    let mut pixmap = Pixmap::new(chart.width, chart.height)
        .ok_or_else(|| format!("bad image size {}x{}", chart.width, chart.height))?;
    resvg::render(&tree, Transform::identity(), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| e.to_string())
}
