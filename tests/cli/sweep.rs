//! `omnilab sweep` and `omnilab merge`: the grid and its columns, shards merged equal to the
//! whole sweep byte for byte (in any order), merge refusing shards that do not make one
//! sweep, and bad `--set` and `--shard` refused before anything runs.

use std::fs;
use std::path::Path;
use std::time::Duration;

use super::{interrupted, omnilab, text};

const TINY: &str = "tests/fixtures/tiny.toml";

/// The grid most tests run: 2 x 2 variants of the tiny scenario.
const GRID: [&str; 4] = [
    "--set",
    "demand.channels.web.rate_per_day=50,100",
    "--set",
    "policies[1].preset=nearest,min_split",
];

fn path(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// Runs `omnilab sweep TINY <GRID> <extra> --quiet --out out` and asserts it succeeds.
fn sweep_tiny(out: &Path, extra: &[&str]) {
    let mut args = vec!["sweep", TINY];
    args.extend(GRID);
    args.extend(extra);
    args.extend(["--quiet", "--out", path(out)]);
    let output = omnilab(&args);
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));
}

/// Runs `omnilab merge dirs... --out out` and returns its exit code and stderr.
fn merge(dirs: &[&Path], out: &Path) -> (Option<i32>, String) {
    let mut args = vec!["merge"];
    args.extend(dirs.iter().map(|d| path(d)));
    args.extend(["--quiet", "--out", path(out)]);
    let output = omnilab(&args);
    (output.status.code(), text(&output).1)
}

/// Writes the `n` shards of the grid (3 replications) into `dir/shard-<i>`.
fn shards(dir: &Path, n: u32, extra: &[&str]) -> Vec<std::path::PathBuf> {
    (1..=n)
        .map(|i| {
            let out = dir.join(format!("shard-{i}"));
            let shard = format!("{i}/{n}");
            let mut args = vec!["--replications", "3", "--shard", shard.as_str()];
            args.extend(extra);
            sweep_tiny(&out, &args);
            out
        })
        .collect()
}

#[test]
fn a_sweep_writes_every_variant_with_one_column_per_set() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("sweep");
    sweep_tiny(&out, &[]);

    let csv = fs::read_to_string(out.join("sweep.csv")).expect("sweep.csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "variant,demand.channels.web.rate_per_day,policies[1].preset,policy,channel,metric,\
             mean,ci95_low,ci95_high,replications,diff_mean,diff_ci95_low,diff_ci95_high,\
             significant"
        )
    );
    let otif: Vec<&str> = lines.filter(|l| l.contains(",all,otif,")).collect();
    let prefixes: Vec<String> =
        otif.iter().map(|l| l.splitn(5, ',').take(4).collect::<Vec<_>>().join(",")).collect();
    assert_eq!(
        prefixes,
        [
            "0,50,nearest,dc_first",
            "0,50,nearest,nearest",
            "1,50,min_split,dc_first",
            "1,50,min_split,nearest",
            "2,100,nearest,dc_first",
            "2,100,nearest,nearest",
            "3,100,min_split,dc_first",
            "3,100,min_split,nearest",
        ]
    );
    assert!(otif.iter().all(|l| l.contains(",2,")), "two replications each: {otif:?}");

    let kpis = fs::read_to_string(out.join("kpis.csv")).expect("kpis.csv");
    assert!(kpis.starts_with("variant,policy,replication,channel,metric,value\n"));
    let spec: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("sweep.json")).expect("sweep.json"))
            .expect("json");
    assert_eq!(spec["scenario"], "tiny");
    assert_eq!(spec["scenario_sha256"].as_str().map(str::len), Some(64));
    assert_eq!(spec["sets"][1]["path"], "policies[1].preset");
    assert_eq!(spec["variants"].as_array().map(Vec::len), Some(4));
    assert_eq!(spec["variants"][3]["values"], serde_json::json!(["100", "min_split"]));
    assert!(spec.get("shard").is_none());
}

#[test]
fn shards_merged_in_any_order_equal_the_whole_sweep_byte_for_byte() {
    let dir = tempfile::tempdir().expect("temp dir");
    let whole = dir.path().join("whole");
    sweep_tiny(&whole, &["--replications", "3"]);
    // 4 variants x 3 replications = 12 units, 4 per shard: shards cross variants.
    let parts = shards(dir.path(), 3, &[]);

    let in_order = dir.path().join("merged");
    let (code, stderr) = merge(&[&parts[0], &parts[1], &parts[2]], &in_order);
    assert_eq!(code, Some(0), "{stderr}");
    let shuffled = dir.path().join("shuffled");
    let (code, stderr) = merge(&[&parts[2], &parts[0], &parts[1]], &shuffled);
    assert_eq!(code, Some(0), "{stderr}");

    for file in ["sweep.csv", "kpis.csv", "sweep.json"] {
        let expected = fs::read(whole.join(file)).expect("whole sweep file");
        assert_eq!(fs::read(in_order.join(file)).expect("merged"), expected, "{file} differs");
        assert_eq!(fs::read(shuffled.join(file)).expect("merged"), expected, "{file} differs");
    }
}

#[test]
fn a_shard_writes_only_its_values_and_the_spec() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("shard");
    sweep_tiny(&out, &["--shard", "2/5"]);
    let mut names: Vec<String> = fs::read_dir(&out)
        .expect("shard folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["kpis.csv", "sweep.json"]);
    let spec: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("sweep.json")).expect("sweep.json"))
            .expect("json");
    assert_eq!(spec["shard"], serde_json::json!({ "index": 2, "count": 5 }));
    // 8 units over 5 shards: shard 2 runs units 1 and 2 (bounds 8i/5 = 1, 3).
    let kpis = fs::read_to_string(out.join("kpis.csv")).expect("kpis.csv");
    let units: std::collections::BTreeSet<(String, String)> = kpis
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[2].to_string())
        })
        .collect();
    let expected = [("0", "1"), ("1", "0")].map(|(v, r)| (v.to_string(), r.to_string()));
    assert_eq!(units, expected.into_iter().collect());
}

#[test]
fn merge_refuses_missing_repeated_and_foreign_shards_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let parts = shards(dir.path(), 3, &[]);
    let other = dir.path().join("other");
    sweep_tiny(&other, &["--replications", "3", "--shard", "3/3", "--seed", "9"]);
    let out = dir.path().join("merged");

    let (code, stderr) = merge(&[&parts[0], &parts[2]], &out);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("shard 2/3 is missing"), "{stderr}");

    let (code, stderr) = merge(&[&parts[0], &parts[1], &parts[2], &parts[1]], &out);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("shard 2/3 is given twice"), "{stderr}");
    assert!(stderr.contains(path(&parts[1])), "{stderr}");

    let (code, stderr) = merge(&[&parts[0], &parts[1], &other], &out);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("not shards of the same sweep: their seeds differ"), "{stderr}");
    assert!(stderr.contains(path(&other)), "{stderr}");

    let (code, stderr) = merge(&[&parts[0], &dir.path().join("nowhere")], &out);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("cannot read"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn merge_refuses_a_shard_cut_short() {
    let dir = tempfile::tempdir().expect("temp dir");
    let parts = shards(dir.path(), 2, &[]);
    let kpis = parts[1].join("kpis.csv");
    let text = fs::read_to_string(&kpis).expect("kpis");
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("3,")).collect();
    fs::write(&kpis, kept.join("\n") + "\n").expect("cut");

    let out = dir.path().join("merged");
    let (code, stderr) = merge(&[&parts[0], &parts[1]], &out);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("(shard 2/2): no values for variant 3 replication 0"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_sweep_without_sets_summarizes_exactly_like_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (swept, ran) = (dir.path().join("sweep"), dir.path().join("run"));
    let output = omnilab(&["sweep", TINY, "--quiet", "--out", path(&swept)]);
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));
    let output = omnilab(&["run", TINY, "--quiet", "--out", path(&ran)]);
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));

    let sweep_csv = fs::read_to_string(swept.join("sweep.csv")).expect("sweep.csv");
    let without_variant: Vec<&str> =
        sweep_csv.lines().map(|l| l.split_once(',').expect("a variant column").1).collect();
    let summary = fs::read_to_string(ran.join("summary.csv")).expect("summary.csv");
    assert_eq!(without_variant, summary.lines().collect::<Vec<_>>());
}

/// Runs `omnilab sweep TINY <args> --out <temp>` expecting exit code 2 and no results;
/// returns stderr.
fn refused(args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("sweep");
    let mut all = vec!["sweep", TINY];
    all.extend(args);
    all.extend(["--quiet", "--out", path(&out)]);
    let output = omnilab(&all);
    let stderr = text(&output).1;
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(!out.exists(), "{args:?} wrote results");
    stderr
}

#[test]
fn bad_sets_are_refused_naming_the_set_and_the_variant() {
    let stderr = refused(&["--set", "demand.channels.web.rate_pr_day=1,2"]);
    assert!(stderr.contains("variant 0 (demand.channels.web.rate_pr_day=1)"), "{stderr}");
    assert!(stderr.contains("unknown key \"rate_pr_day\""), "{stderr}");

    let stderr = refused(&["--set", "policies[5].preset=nearest"]);
    assert!(stderr.contains("--set policies[5].preset=nearest: policies has 2 elements"));

    let stderr = refused(&["--set", "horizon_days.x=1"]);
    assert!(stderr.contains("--set horizon_days.x=1: horizon_days is an integer"), "{stderr}");

    let stderr =
        refused(&["--set", "horizon_days=3", "--set", "demand.channels.web.rate_per_day=5,-5"]);
    assert!(
        stderr.contains("variant 1 (horizon_days=3, demand.channels.web.rate_per_day=-5)"),
        "{stderr}"
    );
    assert!(stderr.contains("must be >= 0, found -5"), "{stderr}");
    assert!(!stderr.contains("variant 0"), "variant 0 is valid: {stderr}");

    for (bad, message) in [
        ("seed", "no `=`"),
        ("seed=1,,2", "value 2 is empty"),
        ("seed=\"1", "not closed"),
        ("seed=1.2.3", "not a TOML value"),
        ("se ed=1", "not a parameter path"),
    ] {
        let stderr = refused(&["--set", bad]);
        assert!(stderr.contains("--set") && stderr.contains(message), "{bad}: {stderr}");
    }

    let stderr = refused(&["--set", "seed=1", "--set", "seed=2"]);
    assert!(stderr.contains("--set seed is given twice"), "{stderr}");
    let stderr = refused(&["--set", "replications=1,2"]);
    assert!(stderr.contains("use --replications"), "{stderr}");
}

#[test]
fn bad_shards_are_refused() {
    for bad in ["0/4", "5/4", "1/0", "garbage", "1/", "-1/4", "2/4/8"] {
        let stderr = refused(&[&format!("--shard={bad}")]);
        assert!(stderr.contains("--shard"), "{bad}: {stderr}");
    }
    let stderr = refused(&["--shard", "0/4"]);
    assert!(stderr.contains("JOB_COMPLETION_INDEX+1"), "{stderr}");
}

#[test]
fn ctrl_c_stops_a_sweep_with_130_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("sweep");
    let args = ["sweep", "scenarios/quickstart.toml", "--out", path(&out), "--quiet"];
    let args = [&args[..], &["--set", "seed=1,2", "--replications", "30"]].concat();
    let output = interrupted(&args, Duration::from_secs(2));
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let left: Vec<_> = fs::read_dir(dir.path()).expect("temp dir").collect();
    assert!(left.is_empty(), "nothing is written, not even a staging folder");
}
