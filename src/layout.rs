//! The theme's layout numbers (`layout:` in theme.yaml): page width, gutters, grid columns and
//! gaps at each breakpoint. From the same numbers come the grids' CSS (media queries cannot read
//! custom properties, so the rules are written here) and the `sizes` of the photos in them, so a
//! theme's stylesheet and the widths browsers download for cannot drift apart.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// The widest the content (`.wrap`, gutters included) gets, in px.
    pub max_width: u32,
    /// From the narrowest screen up: each applies from `from` px wide.
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default)]
    pub from: u32,
    /// Space each side of `.wrap`, in rem.
    pub gutter: f64,
    /// Space between a grid's items, in rem.
    pub gap: f64,
    /// Columns of each grid, by name: `grid` is the class `.grid`, `grid_cats` `.grid-cats`.
    pub columns: BTreeMap<String, u32>,
}

/// What templates read as `layout`: `layout.sizes.grid` for a photo filling a `.grid` cell.
#[derive(Debug, Serialize)]
pub struct LayoutView {
    pub sizes: BTreeMap<String, String>,
    pub css: String,
}

impl Layout {
    /// A problem with the numbers, as a sentence naming the field.
    pub fn check(&self) -> Result<(), (String, String)> {
        if self.steps.is_empty() {
            return Err(("steps".into(), "the layout has no steps".into()));
        }
        for (i, s) in self.steps.iter().enumerate() {
            if i > 0 && s.from <= self.steps[i - 1].from {
                return Err((
                    format!("steps[{i}].from"),
                    "steps must go from narrow to wide".into(),
                ));
            }
            if let Some((name, _)) = s.columns.iter().find(|(_, n)| **n == 0) {
                return Err((
                    format!("steps[{i}].columns.{name}"),
                    "a grid needs at least 1 column".into(),
                ));
            }
            if !(s.gutter >= 0.0 && s.gap >= 0.0) {
                return Err((format!("steps[{i}]"), "gutter and gap are rem, 0 or more".into()));
            }
        }
        Ok(())
    }

    pub fn view(&self) -> LayoutView {
        let grids: Vec<&String> = self.steps.iter().flat_map(|s| s.columns.keys()).collect();
        let mut sizes = BTreeMap::new();
        for name in grids {
            sizes.entry(name.clone()).or_insert_with(|| self.sizes(name));
        }
        LayoutView {
            sizes,
            css: self.css(),
        }
    }

    /// The width of one cell of grid `name`, as an `<img sizes>` list, widest screens first.
    pub fn sizes(&self, name: &str) -> String {
        // A step without the grid keeps the columns of the one before (the cascade does too).
        let mut columns_at = Vec::with_capacity(self.steps.len());
        for step in &self.steps {
            let before = columns_at.last().copied().unwrap_or(1);
            columns_at.push(step.columns.get(name).copied().unwrap_or(before));
        }
        let mut parts = Vec::new();
        let mut capped = false;
        for (i, step) in self.steps.iter().enumerate().rev() {
            let columns = columns_at[i];
            let fixed = (step.gutter * 2.0) + step.gap * f64::from(columns.saturating_sub(1));
            if !capped && self.max_width >= step.from {
                // From the page's widest on, a cell's width no longer follows the screen.
                parts.push((
                    Some(self.max_width),
                    format!("calc(({}px - {}rem) / {columns})", self.max_width, num(fixed)),
                ));
                capped = true;
            }
            let width = format!("calc((100vw - {}rem) / {columns})", num(fixed));
            let from = (i > 0 && step.from > 0).then_some(step.from);
            parts.push((from, width));
        }
        // A step that changes nothing for this grid says nothing: the narrower one's width holds.
        let kept: Vec<String> = (0..parts.len())
            .filter(|&i| i + 1 == parts.len() || parts[i].1 != parts[i + 1].1)
            .map(|i| match &parts[i] {
                (Some(from), width) => format!("(min-width: {from}px) {width}"),
                (None, width) => width.clone(),
            })
            .collect();
        kept.join(", ")
    }

    /// The rules for `.wrap`'s gutters and each grid's columns and gaps, at each step.
    pub fn css(&self) -> String {
        let mut out = format!(":root{{--wrap:{}px}}", self.max_width);
        for step in &self.steps {
            let mut rules = format!(".wrap{{padding:0 {}rem}}", num(step.gutter));
            for (name, columns) in &step.columns {
                let _ = write!(
                    rules,
                    ".{}{{grid-template-columns:repeat({columns},minmax(0,1fr));gap:{}rem}}",
                    name.replace('_', "-"),
                    num(step.gap)
                );
            }
            if step.from == 0 {
                out.push_str(&rules);
            } else {
                let _ = write!(out, "@media (min-width:{}px){{{rules}}}", step.from);
            }
        }
        out
    }
}

/// A number as CSS writes it: `1.5`, `.75` stays `0.75`, `2` not `2.0`.
fn num(n: f64) -> String {
    let s = format!("{:.4}", n);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_layout() -> Layout {
        serde_yaml::from_str(
            "max_width: 1160\nsteps:\n  - {from: 0, gutter: 1, gap: 0.75, columns: {grid: 2, grid_cats: 2}}\n  - {from: 700, gutter: 1.5, gap: 1.25, columns: {grid: 3, grid_cats: 3}}\n  - {from: 1100, gutter: 1.5, gap: 1.25, columns: {grid: 4, grid_cats: 3}}\n",
        )
        .unwrap()
    }

    #[test]
    fn sizes_follow_the_gutters_gaps_and_columns() {
        let l = default_layout();
        assert_eq!(
            l.sizes("grid"),
            "(min-width: 1160px) calc((1160px - 6.75rem) / 4), (min-width: 1100px) calc((100vw - 6.75rem) / 4), \
             (min-width: 700px) calc((100vw - 5.5rem) / 3), calc((100vw - 2.75rem) / 2)"
        );
        // The 1100px step changes nothing for three columns: not repeated.
        assert_eq!(
            l.sizes("grid_cats"),
            "(min-width: 1160px) calc((1160px - 5.5rem) / 3), (min-width: 700px) calc((100vw - 5.5rem) / 3), \
             calc((100vw - 2.75rem) / 2)"
        );
    }

    #[test]
    fn the_css_has_a_media_query_per_step() {
        let css = default_layout().css();
        assert!(css.starts_with(":root{--wrap:1160px}.wrap{padding:0 1rem}.grid{grid-template-columns:repeat(2,minmax(0,1fr));gap:0.75rem}"), "{css}");
        assert!(css.contains("@media (min-width:1100px){.wrap{padding:0 1.5rem}.grid{grid-template-columns:repeat(4,minmax(0,1fr));gap:1.25rem}.grid-cats{grid-template-columns:repeat(3,minmax(0,1fr));gap:1.25rem}}"), "{css}");
    }

    #[test]
    fn steps_out_of_order_are_refused() {
        let mut l = default_layout();
        l.steps.swap(1, 2);
        assert_eq!(l.check().unwrap_err().0, "steps[2].from");
    }
}
