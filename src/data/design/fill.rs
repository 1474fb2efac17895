//! Copying the planned columns into the design: numbers cast to f64 straight from the
//! polars buffers, text one-hot coded, dropped rows skipped, fold ids read as integers,
//! each column released once copied.

use std::collections::HashMap;

use ndarray::{Array1, Array2, ShapeBuilder};
use polars::prelude::*;

use super::plan::Plan;
use super::{Dataset, internal};
use crate::bail;
use crate::data::table::{Table, is_text, text_values};
use crate::error::{Error, Result};

/// Values of released columns after which [`fill`] hands freed memory back (8 MB of f64).
const RELEASE_EVERY: usize = 1 << 20;

/// Copies the planned columns of `table` into `x`, `y` and the fold ids, dropping each
/// column once copied.
pub(super) fn fill(table: Table, plan: Plan) -> Result<Dataset> {
    let source = table.source().to_string();
    let src = source.as_str();
    let mut table = ColumnTaker::new(table);
    // Rows to copy: all of them, or the kept ones.
    let kept: Option<&[bool]> = (plan.rows_dropped > 0).then_some(plan.keep.as_slice());

    // x: each column copied once from the polars buffers into its column-major slot.
    let n = plan.n_kept;
    let p = plan.features.len();
    let mut data = vec![0.0f64; n * p];
    let mut j = 0;
    let mut released = 0;
    for (name, levels) in &plan.columns {
        let col = table.take(src, name)?;
        let width = levels.as_ref().map_or(1, |l| l.len().saturating_sub(1));
        let block = &mut data[j * n..(j + width) * n];
        match levels {
            None => copy_numeric(src, &col, kept, block)?,
            Some(levels) => one_hot(src, &col, levels, kept, block)?,
        }
        j += width;
        // `col` is freed here; give the pages of the columns copied so far back now and
        // then, so the frame shrinks as the design grows
        released += col.len();
        drop(col);
        if released >= RELEASE_EVERY {
            released = 0;
            crate::heap::released_large_blocks();
        }
    }
    crate::heap::released_large_blocks();
    let x = Array2::from_shape_vec((n, p).f(), data)
        .map_err(|e| Error::new(format!("internal error shaping x for '{src}': {e}")))?;

    let mut y = vec![0.0f64; n];
    copy_numeric(src, &table.take(src, &plan.target)?, kept, &mut y)?;
    check_target_scale(src, &plan.target, &y, kept)?;

    let fold_values = match &plan.fold {
        Some(name) => Some(fold_ids(src, &table.take(src, name)?, kept)?),
        None => None,
    };

    Ok(Dataset {
        source,
        x,
        y: Array1::from(y),
        target: plan.target,
        features: plan.features,
        fold_values,
        rows_total: plan.rows_total,
        rows_dropped: plan.rows_dropped,
        notes: plan.notes,
    })
}

/// A table's columns handed out by name, each once, so that the caller's copy is the
/// last owner and dropping it frees the column's buffers.
struct ColumnTaker {
    index: HashMap<String, usize>,
    columns: Vec<Option<Column>>,
}

impl ColumnTaker {
    fn new(table: Table) -> ColumnTaker {
        let columns: Vec<Option<Column>> = table
            .into_df()
            .into_columns()
            .into_iter()
            .map(Some)
            .collect();
        let index = columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((c.as_ref()?.name().to_string(), i)))
            .collect();
        ColumnTaker { index, columns }
    }

    fn take(&mut self, src: &str, name: &str) -> Result<Column> {
        self.index
            .get(name)
            .and_then(|&i| self.columns[i].take())
            .ok_or_else(|| {
                Error::new(format!(
                    "internal error reading column '{name}' of '{src}': not found or used twice; please report it"
                ))
            })
    }
}

/// Dummy-codes a text column into `block` (n rows per level after the first, which is
/// dropped): a 1 where the kept row holds that level.
pub(crate) fn one_hot(
    src: &str,
    col: &Column,
    levels: &[String],
    kept: Option<&[bool]>,
    block: &mut [f64],
) -> Result<()> {
    let n = match levels.len() {
        0 | 1 => return Ok(()),
        w => block.len() / (w - 1),
    };
    let values = text_values(col).map_err(|e| internal(src, col.name(), &e))?;
    let rows = values
        .iter()
        .enumerate()
        .filter(|(r, _)| kept.is_none_or(|k| k[*r]))
        .map(|(_, v)| v);
    for (i, v) in rows.enumerate() {
        let Some(v) = v else { continue };
        if let Ok(k) = levels.binary_search_by(|l| l.as_str().cmp(v))
            && k > 0
            && let Some(cell) = block.get_mut((k - 1) * n + i)
        {
            *cell = 1.0;
        }
    }
    Ok(())
}

/// Copies a numeric or boolean column into `out`, chunk by chunk: a memcpy when every
/// row is kept, else the kept rows only. Missing values were dropped before, so the
/// values under the validity mask are all real.
pub(crate) fn copy_numeric(
    src: &str,
    col: &Column,
    kept: Option<&[bool]>,
    out: &mut [f64],
) -> Result<()> {
    let name = col.name().to_string();
    let cast = col
        .cast(&DataType::Float64)
        .map_err(|e| internal(src, &name, &e))?;
    let ca = cast.f64().map_err(|e| internal(src, &name, &e))?;
    let short = || {
        Error::new(format!(
            "internal error: column '{name}' of '{src}' does not match the kept rows; please report it"
        ))
    };
    let mut at = 0;
    let mut row = 0;
    for chunk in ca.downcast_iter() {
        let values = chunk.values().as_slice();
        match kept {
            None => {
                out.get_mut(at..at + values.len())
                    .ok_or_else(short)?
                    .copy_from_slice(values);
                at += values.len();
            }
            Some(k) => {
                let k = k.get(row..row + values.len()).ok_or_else(short)?;
                for (&v, &keep) in values.iter().zip(k) {
                    if keep {
                        *out.get_mut(at).ok_or_else(short)? = v;
                        at += 1;
                    }
                }
            }
        }
        row += values.len();
    }
    if at != out.len() {
        return Err(short());
    }
    if let Some(i) = out.iter().position(|v| !v.is_finite()) {
        bail!(
            "column '{name}' of '{src}' holds an infinite value ({}) in data row {}; fix or remove that row",
            out[i],
            data_row(i, kept)
        );
    }
    Ok(())
}

/// The 1-based data row of the `i`-th kept row.
fn data_row(i: usize, kept: Option<&[bool]>) -> usize {
    let row = match kept {
        None => i,
        Some(k) => k
            .iter()
            .enumerate()
            .filter(|(_, k)| **k)
            .nth(i)
            .map_or(i, |(r, _)| r),
    };
    row + 1
}

/// The MSE, R² and CV errors sum squared deviations of the target: when n times a
/// squared deviation from the mean exceeds the largest float, they are infinite whatever
/// the solver does. Features are scaled before squaring, so only the target is refused.
pub(crate) fn check_target_scale(
    src: &str,
    name: &str,
    y: &[f64],
    kept: Option<&[bool]>,
) -> Result<()> {
    let n = y.len().max(1) as f64;
    let scale = y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return Ok(());
    }
    // the mean of y / scale, times scale: no sum can overflow
    let mean = y.iter().map(|v| v / scale).sum::<f64>() / n * scale;
    let limit = (f64::MAX / n).sqrt();
    // the row that overflows most: a lone huge value drags the mean, so smaller rows may
    // exceed the limit too, but the huge one is what the user must rescale
    let worst = y
        .iter()
        .enumerate()
        .max_by(|a, b| (a.1 - mean).abs().total_cmp(&(b.1 - mean).abs()))
        .map(|(i, _)| i);
    if let Some(i) = worst.filter(|&i| (y[i] - mean).abs() > limit) {
        let power = scale.log10().floor() as i32 - 3;
        bail!(
            "target '{name}' of '{src}' holds {} in data row {}: its squared deviation from the mean overflows, so the MSE and R² would be infinite; rescale the target (e.g. divide it by 1e{power}) and fit again",
            crate::fmt::num(y[i]),
            data_row(i, kept)
        );
    }
    Ok(())
}

/// The fold column of the kept rows as i64 (validated by
/// [`check_integer_valued`](super::plan::check_integer_valued)).
pub(crate) fn fold_ids(src: &str, col: &Column, kept: Option<&[bool]>) -> Result<Vec<i64>> {
    let name = col.name();
    let not_int = || {
        Error::new(format!(
            "fold column '{name}' in '{src}' holds a value that is not an integer fold id; use ids 0..K-1"
        ))
    };
    let is_kept = |r: usize| kept.is_none_or(|k| k.get(r).copied().unwrap_or(false));
    if is_text(col.dtype()) {
        let ca = text_values(col).map_err(|e| internal(src, name, &e))?;
        return ca
            .iter()
            .enumerate()
            .filter(|(r, _)| is_kept(*r))
            .map(|(_, v)| {
                v.and_then(|v| v.trim().parse::<i64>().ok())
                    .ok_or_else(not_int)
            })
            .collect();
    }
    if col.dtype().is_float() {
        // whole numbers below 2^53 (checked before), so `as` is exact
        let cast = col
            .cast(&DataType::Float64)
            .map_err(|e| internal(src, name, &e))?;
        let ca = cast.f64().map_err(|e| internal(src, name, &e))?;
        return ca
            .iter()
            .enumerate()
            .filter(|(r, _)| is_kept(*r))
            .map(|(_, v)| v.map(|v| v as i64).ok_or_else(not_int))
            .collect();
    }
    let ints = col.strict_cast(&DataType::Int64).map_err(|_| not_int())?;
    let ca = ints.i64().map_err(|e| internal(src, name, &e))?;
    ca.iter()
        .enumerate()
        .filter(|(r, _)| is_kept(*r))
        .map(|(_, v)| v.ok_or_else(not_int))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{csv, err, spec_target};
    use crate::data::{DataSpec, Table, build_dataset};
    use polars::prelude::*;

    #[test]
    fn x_is_column_major() {
        let d = build_dataset(&crate::data::embedded_diabetes(), &DataSpec::default()).unwrap();
        assert!(d.x.t().is_standard_layout());
        assert_eq!(d.x.strides(), &[1, 442]);
        assert!(d.x.column(3).as_slice().is_some());
    }

    #[test]
    fn one_hot_names_order_and_position() {
        let t = csv(
            "c.csv",
            "x1,color,x2,y\n1,red,5,1\n2,blue,6,2\n3,green,7,3\n4,red,8,4\n5,Zed,9,5\n",
        );
        let d = build_dataset(&t, &spec_target("y")).unwrap();
        // byte order: "Zed" < "blue" < "green" < "red"; the first level is dropped
        assert_eq!(
            d.features,
            vec!["x1", "color_blue", "color_green", "color_red", "x2"]
        );
        assert_eq!(d.x.column(1).to_vec(), vec![0.0, 1.0, 0.0, 0.0, 0.0]);
        assert_eq!(d.x.column(2).to_vec(), vec![0.0, 0.0, 1.0, 0.0, 0.0]);
        assert_eq!(d.x.column(3).to_vec(), vec![1.0, 0.0, 0.0, 1.0, 0.0]);
        assert_eq!(d.x.column(4).to_vec(), vec![5.0, 6.0, 7.0, 8.0, 9.0]);
    }

    #[test]
    fn booleans_and_integers_are_numbers() {
        let df = df!(
            "flag" => [true, false, true],
            "small" => [1i32, -2, 3],
            "big" => [10u64, 20, 30],
            "y" => [1i64, 2, 3],
        )
        .unwrap();
        let t = Table::new("mixed", df);
        let d = build_dataset(&t, &DataSpec::default()).unwrap();
        assert_eq!(d.target, "y");
        assert_eq!(d.features, vec!["flag", "small", "big"]);
        assert_eq!(d.x.column(0).to_vec(), vec![1.0, 0.0, 1.0]);
        assert_eq!(d.x.column(1).to_vec(), vec![1.0, -2.0, 3.0]);
        assert_eq!(d.x.column(2).to_vec(), vec![10.0, 20.0, 30.0]);
        assert_eq!(d.y.to_vec(), vec![1.0, 2.0, 3.0]);
    }

    #[test]
    fn multi_chunk_columns_copy_correctly() {
        let a = df!("x" => [1.0f64, 2.0], "y" => [1i64, 2]).unwrap();
        let b = df!("x" => [3.0f64, 4.0, 5.0], "y" => [3i64, 4, 5]).unwrap();
        let mut df = a.clone();
        df.vstack_mut(&b).unwrap();
        assert!(df.max_n_chunks() > 1);
        let d = build_dataset(&Table::new("chunks", df), &spec_target("y")).unwrap();
        assert_eq!(d.x.column(0).to_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(d.y.to_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0]);
    }

    #[test]
    fn nan_fold_ids_in_binary_files_are_missing() {
        let df = df!(
            "x" => [1.0f64, 2.0, 3.0, 4.0],
            "y" => [1.0f64, 2.0, 3.0, 5.0],
            "fold" => [0.0f64, f64::NAN, 1.0, 1.0],
        )
        .unwrap();
        let spec = DataSpec {
            target: Some("y".into()),
            fold_column: Some("fold".into()),
            ..DataSpec::default()
        };
        let d = build_dataset(&Table::new("f.parquet", df), &spec).unwrap();
        assert_eq!(d.fold_values, Some(vec![0, 1, 1]));
        assert_eq!(d.x.column(0).to_vec(), vec![1.0, 3.0, 4.0]);
    }

    #[test]
    fn infinite_values_are_errors() {
        let df = df!("x" => [1.0f64, f64::INFINITY], "y" => [1.0f64, 2.0]).unwrap();
        let m = err(&Table::new("inf", df), &spec_target("y"));
        assert!(
            m.contains("'x'") && m.contains("infinite") && m.contains("data row 2"),
            "{m}"
        );
        let df =
            df!("x" => [Some(1.0f64), None, Some(f64::NEG_INFINITY)], "y" => [1.0f64, 2.0, 3.0])
                .unwrap();
        let m = err(&Table::new("inf", df), &spec_target("y"));
        assert!(m.contains("-inf") && m.contains("data row 3"), "{m}");
    }

    #[test]
    fn a_target_whose_squares_overflow_is_refused_naming_row_and_value() {
        let mut text = String::from("x,y\n");
        for i in 0..50 {
            let y = if i == 7 {
                "1e308".to_string()
            } else {
                i.to_string()
            };
            text.push_str(&format!("{i},{y}\n"));
        }
        let m = err(&csv("big.csv", &text), &spec_target("y"));
        for part in [
            "'y'",
            "big.csv",
            "data row 8",
            "1e308",
            "rescale the target",
        ] {
            assert!(m.contains(part), "{part:?} not in {m}");
        }
        // just under the limit still loads: 1e150 squared times 50 is finite
        let text = text.replace("1e308", "1e150");
        assert!(build_dataset(&csv("ok.csv", &text), &spec_target("y")).is_ok());
    }

    #[test]
    fn huge_but_finite_features_are_not_refused() {
        let mut text = String::from("big,y\n");
        for i in 0..20 {
            text.push_str(&format!("{}e307,{}\n", 1 + i % 4, i % 3));
        }
        let d = build_dataset(&csv("huge.csv", &text), &spec_target("y")).unwrap();
        assert_eq!(d.x[(1, 0)], 2e307);
    }

    #[test]
    fn infinite_values_in_a_csv_name_column_row_and_value() {
        let t = csv("inf.csv", "x,y\n1,2\n1e309,3\n2,4\n");
        let m = err(&t, &spec_target("y"));
        assert!(
            m.contains("'x'") && m.contains("data row 2") && m.contains("inf"),
            "{m}"
        );
    }

    #[test]
    fn boolean_target_is_zero_one() {
        let df = df!("x" => [1.0f64, 2.0, 3.0], "ok" => [true, false, true]).unwrap();
        let d = build_dataset(&Table::new("b", df), &spec_target("ok")).unwrap();
        assert_eq!(d.y.to_vec(), vec![1.0, 0.0, 1.0]);
    }
}
