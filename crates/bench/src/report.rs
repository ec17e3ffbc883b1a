//! The figures of one run and their ratios to the floor.

/// The raw PostgreSQL floor of this run.
#[derive(Debug, Clone)]
pub struct Floor {
    /// Single-row INSERT commits/s from one client.
    pub single_1: f64,
    /// Single-row INSERT commits/s from 16 clients.
    pub single_16: f64,
    /// Rows/s inserted by UNNEST batches.
    pub batch_rows: f64,
}

/// One measured figure.
#[derive(Debug, Clone)]
pub struct Figure {
    pub name: &'static str,
    pub per_second: f64,
    /// The floor figure it is compared with, and that floor's name.
    pub against: Option<(&'static str, f64)>,
    pub target: &'static str,
    pub extra: String,
}

/// Everything measured in one run.
#[derive(Debug, Default)]
pub struct Report {
    pub floor: Option<Floor>,
    pub figures: Vec<Figure>,
}

impl Report {
    /// Adds a figure.
    pub fn add(&mut self, figure: Figure) {
        println!(
            "  {:<44} {:>12.0}/s {}",
            figure.name, figure.per_second, figure.extra
        );
        self.figures.push(figure);
    }

    /// Prints the summary table.
    pub fn print(&self) {
        println!();
        if let Some(floor) = &self.floor {
            println!("raw PostgreSQL floor (same run):");
            println!(
                "  single-row INSERT commits, 1 client       {:>12.0}/s",
                floor.single_1
            );
            println!(
                "  single-row INSERT commits, 16 clients     {:>12.0}/s",
                floor.single_16
            );
            println!(
                "  UNNEST batch insert rows                  {:>12.0}/s",
                floor.batch_rows
            );
        }
        println!();
        println!(
            "{:<44} {:>12} {:>8}  {:<22} target",
            "measure", "per second", "ratio", "against"
        );
        for f in &self.figures {
            let (ratio, against) = match f.against {
                Some((name, base)) if base > 0.0 => (format!("{:.2}", f.per_second / base), name),
                _ => ("-".to_owned(), "-"),
            };
            println!(
                "{:<44} {:>12.0} {:>8}  {:<22} {}",
                f.name, f.per_second, ratio, against, f.target
            );
        }
    }
}
