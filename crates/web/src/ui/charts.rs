//! Charts drawn on the server as SVG (printable, no script): the geometry is computed
//! here and the template only writes the shapes. Colours come from the stylesheet.

/// A rectangle of a bar chart, with its value as a tooltip.
pub struct Bar {
    /// Left.
    pub x: i64,
    /// Top.
    pub y: i64,
    /// Width.
    pub w: i64,
    /// Height.
    pub h: i64,
    /// Stylesheet class (`series-0`, `over`…).
    pub class: &'static str,
    /// What it shows, in words.
    pub title: String,
}

/// A text on the chart.
pub struct Label {
    /// Anchor point, x.
    pub x: i64,
    /// Baseline, y.
    pub y: i64,
    /// The text.
    pub text: String,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
}

/// A straight line (a capacity mark, an axis).
pub struct Line {
    /// Start x.
    pub x1: i64,
    /// Start y.
    pub y1: i64,
    /// End x.
    pub x2: i64,
    /// End y.
    pub y2: i64,
    /// Stylesheet class.
    pub class: &'static str,
}

/// A chart ready to draw.
pub struct Chart {
    /// Its id (also its CSV's name).
    pub id: &'static str,
    /// Its title.
    pub title: String,
    /// What it shows, for screen readers.
    pub summary: String,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// Bars.
    pub bars: Vec<Bar>,
    /// Texts.
    pub labels: Vec<Label>,
    /// Lines.
    pub lines: Vec<Line>,
    /// The legend: class and label of each series.
    pub legend: Vec<(&'static str, String)>,
}

const PLOT_HEIGHT: i64 = 180;
const TOP: i64 = 12;
const BOTTOM: i64 = 36;
const LEFT: i64 = 64;

/// Vertical bars, one per column (e.g. a month), with an optional reference level drawn
/// as a line across (e.g. the capacity). `format` writes a value as text.
pub fn columns(
    id: &'static str,
    title: String,
    summary: String,
    columns: &[(String, i64)],
    reference: Option<(i64, String)>,
    format: impl Fn(i64) -> String,
) -> Chart {
    let step = 44;
    let width = LEFT + step * columns.len().max(1) as i64 + 12;
    let max = columns
        .iter()
        .map(|c| c.1)
        .chain(reference.as_ref().map(|r| r.0))
        .max()
        .unwrap_or(0)
        .max(1);
    let y_of = |v: i64| TOP + PLOT_HEIGHT - v * PLOT_HEIGHT / max;
    let mut chart = Chart {
        id,
        title,
        summary,
        width,
        height: TOP + PLOT_HEIGHT + BOTTOM,
        bars: Vec::new(),
        labels: vec![
            Label {
                x: LEFT - 6,
                y: TOP + 4,
                text: format(max),
                anchor: "end",
            },
            Label {
                x: LEFT - 6,
                y: TOP + PLOT_HEIGHT,
                text: format(0),
                anchor: "end",
            },
        ],
        lines: vec![Line {
            x1: LEFT,
            y1: TOP + PLOT_HEIGHT,
            x2: width - 8,
            y2: TOP + PLOT_HEIGHT,
            class: "axis",
        }],
        legend: Vec::new(),
    };
    for (i, (label, value)) in columns.iter().enumerate() {
        let x = LEFT + 6 + step * i as i64;
        let over = reference.as_ref().is_some_and(|r| *value > r.0);
        chart.bars.push(Bar {
            x,
            y: y_of(*value),
            w: step - 12,
            h: TOP + PLOT_HEIGHT - y_of(*value),
            class: if over { "over" } else { "series-0" },
            title: format!("{label}: {}", format(*value)),
        });
        chart.labels.push(Label {
            x: x + (step - 12) / 2,
            y: TOP + PLOT_HEIGHT + 16,
            text: label.clone(),
            anchor: "middle",
        });
    }
    if let Some((level, label)) = reference {
        let y = y_of(level);
        chart.lines.push(Line {
            x1: LEFT,
            y1: y,
            x2: width - 8,
            y2: y,
            class: "reference",
        });
        chart.legend.push(("reference", label));
    }
    chart
}

/// Horizontal bars, one row per item (e.g. a facility), each made of stacked segments
/// (one per series), optionally with a mark at a reference value per row.
pub struct Row {
    /// The row's label.
    pub label: String,
    /// The segments' values, one per series.
    pub values: Vec<i64>,
    /// A mark at this value (e.g. the capacity), if any.
    pub mark: Option<i64>,
}

/// Stacked horizontal bars; `series` names each segment's class and label.
pub fn rows(
    id: &'static str,
    title: String,
    summary: String,
    rows: &[Row],
    series: Vec<(&'static str, String)>,
    format: impl Fn(i64) -> String,
) -> Chart {
    let label_width = 120;
    let plot = 420;
    let row_height = 22;
    let max = rows
        .iter()
        .map(|r| r.values.iter().sum::<i64>().max(r.mark.unwrap_or(0)))
        .max()
        .unwrap_or(0)
        .max(1);
    let x_of = |v: i64| label_width + v * plot / max;
    let mut chart = Chart {
        id,
        title,
        summary,
        width: label_width + plot + 90,
        height: TOP + row_height * rows.len().max(1) as i64 + 8,
        bars: Vec::new(),
        labels: Vec::new(),
        lines: Vec::new(),
        legend: series.clone(),
    };
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + row_height * i as i64;
        chart.labels.push(Label {
            x: label_width - 6,
            y: y + 14,
            text: row.label.clone(),
            anchor: "end",
        });
        let mut start = 0;
        for (s, value) in row.values.iter().enumerate() {
            let class = series.get(s).map_or("series-0", |x| x.0);
            chart.bars.push(Bar {
                x: x_of(start),
                y: y + 3,
                w: x_of(start + value) - x_of(start),
                h: row_height - 6,
                class,
                title: format!(
                    "{} · {}: {}",
                    row.label,
                    series.get(s).map_or("", |x| x.1.as_str()),
                    format(*value)
                ),
            });
            start += value;
        }
        chart.labels.push(Label {
            x: x_of(start) + 4,
            y: y + 14,
            text: format(start),
            anchor: "start",
        });
        if let Some(mark) = row.mark {
            chart.lines.push(Line {
                x1: x_of(mark),
                y1: y + 1,
                x2: x_of(mark),
                y2: y + row_height - 1,
                class: "reference",
            });
        }
    }
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_scale_to_the_highest_value_and_mark_those_over_the_reference() {
        let c = columns(
            "t",
            String::new(),
            String::new(),
            &[("a".into(), 50), ("b".into(), 100)],
            Some((80, "cap".into())),
            |v| v.to_string(),
        );
        assert_eq!(c.bars[1].h, PLOT_HEIGHT);
        assert_eq!(c.bars[0].h, PLOT_HEIGHT / 2);
        assert_eq!(c.bars[0].class, "series-0");
        assert_eq!(c.bars[1].class, "over");
        assert!(
            c.lines
                .iter()
                .any(|l| l.class == "reference"
                    && l.y1 == TOP + PLOT_HEIGHT - 80 * PLOT_HEIGHT / 100)
        );
    }

    #[test]
    fn stacked_rows_lay_segments_end_to_end() {
        let c = rows(
            "t",
            String::new(),
            String::new(),
            &[Row {
                label: "x".into(),
                values: vec![30, 10],
                mark: Some(50),
            }],
            vec![("series-0", "a".into()), ("series-1", "b".into())],
            |v| v.to_string(),
        );
        assert_eq!(c.bars[0].x + c.bars[0].w, c.bars[1].x);
        assert_eq!(c.bars[1].w, c.bars[0].w / 3);
        assert_eq!(c.lines.len(), 1);
    }
}
