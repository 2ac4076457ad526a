//! `triage pull`: export dashboards from Grafana into git-friendly files (see
//! `grafana::stable_form` for the stable form), or with `--check` report which differ.
//! Folders the provisioning config names go back where `triage provision` reads them from
//! (`<out>/<subfolder>/`); any other folder becomes a path of its titles.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::grafana::{connect, folder_uid};
use super::{CliError, PullArgs};
use crate::grafana::stable_form::{FileStatus, compare, relative_path, stable_json, uid_of_file};
use crate::net::grafana::{Folder, GrafanaClient, SearchQuery};
use crate::provision::ProvisionConfig;

/// The provisioning config `pull` reads when `--provisioning-config` is not given and it exists.
const DEFAULT_PROVISIONING_CONFIG: &str = "provisioning/triage-provision.toml";

/// Files larger than this in the output folder are not dashboards worth reading.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Dashboard files already in the output folder: uid → (path, text), as `index_files` finds them.
type ExistingFiles = BTreeMap<String, Vec<(PathBuf, String)>>;

pub async fn run(args: PullArgs) -> Result<i32, CliError> {
    if args.uids.is_empty() && args.folder.is_none() && !args.all {
        return Err(CliError::usage(
            "say which dashboards: --uid UID (repeatable), --folder NAME or --all",
        ));
    }
    let provisioned = provisioned_folders(args.provisioning_config.as_deref())?;
    let client = connect(&args.grafana).await?;
    let uids = selected_uids(&client, &args).await?;
    if uids.is_empty() {
        eprintln!("triage: no dashboards matched");
    }
    let existing = index_files(&args.out);
    let mut folders = FolderPaths {
        provisioned,
        known: HashMap::new(),
    };
    let mut report = Report::default();
    let mut pulled = BTreeSet::new();
    for uid in &uids {
        pull_one(
            &client,
            &args,
            uid,
            &existing,
            &mut folders,
            &mut report,
            &mut pulled,
        )
        .await;
    }
    // With --all every Grafana dashboard was seen: files with other uids are not in Grafana.
    let orphans = if args.all && report.failed == 0 {
        report_orphans(&existing, &pulled)
    } else {
        0
    };
    let verb = if args.check { "differ" } else { "written" };
    eprintln!(
        "triage: {} dashboards: {} {verb}, {} unchanged{}{}",
        uids.len(),
        report.differing,
        report.unchanged,
        if orphans > 0 {
            format!(", {orphans} files not in Grafana")
        } else {
            String::new()
        },
        if report.failed > 0 {
            format!(", {} failed", report.failed)
        } else {
            String::new()
        }
    );
    let out_of_date = args.check && (report.differing > 0 || orphans > 0);
    Ok(if out_of_date || report.failed > 0 {
        1
    } else {
        0
    })
}

/// Fetches one dashboard and, when its file differs, writes it (or with `--check` names it).
/// The uid it has in Grafana goes into `pulled`.
async fn pull_one(
    client: &GrafanaClient,
    args: &PullArgs,
    uid: &String,
    existing: &ExistingFiles,
    folders: &mut FolderPaths,
    report: &mut Report,
    pulled: &mut BTreeSet<String>,
) {
    let doc = match client.dashboard(uid).await {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("triage: {uid}: {e}");
            report.failed += 1;
            return;
        }
    };
    let uid = Some(doc.uid())
        .filter(|u| !u.is_empty())
        .unwrap_or(uid.clone());
    pulled.insert(uid.clone());
    let folder = match &doc.folder_uid {
        Some(f) => folders.path(client, f, doc.folder_title.as_deref()).await,
        None => Vec::new(),
    };
    let text = stable_json(&doc.dashboard);
    let target = args.out.join(relative_path(&folder, &uid));
    let current = existing.get(&uid).and_then(|files| {
        files
            .iter()
            .find(|(p, _)| *p == target)
            .or(files.first())
            .map(|(p, t)| (p.as_path(), t.as_str()))
    });
    let status = compare(&text, &target, current);
    if !status.differs() {
        report.unchanged += 1;
        return;
    }
    report.differing += 1;
    if args.check {
        println!(
            "{}: {} ({:?})",
            target.display(),
            status.describe(),
            doc.title()
        );
        return;
    }
    if let Err(e) = write_file(&target, &text) {
        eprintln!("triage: {}: {e}", target.display());
        report.failed += 1;
        return;
    }
    if let FileStatus::Moved { from } = &status
        && let Err(e) = std::fs::remove_file(from)
    {
        eprintln!("triage: {} (moved): {e}", from.display());
    }
    println!("wrote {} ({})", target.display(), status.describe());
}

/// Prints the files whose uid was not pulled; returns how many.
fn report_orphans(existing: &ExistingFiles, pulled: &BTreeSet<String>) -> usize {
    let mut orphans = 0;
    for (uid, files) in existing {
        if !pulled.contains(uid) {
            for (path, _) in files {
                println!("{}: not in Grafana (uid {uid:?})", path.display());
                orphans += 1;
            }
        }
    }
    orphans
}

#[derive(Default)]
struct Report {
    differing: usize,
    unchanged: usize,
    failed: usize,
}

/// The uids asked for: given, a folder's, or all.
async fn selected_uids(client: &GrafanaClient, args: &PullArgs) -> Result<Vec<String>, CliError> {
    if !args.uids.is_empty() {
        return Ok(args.uids.clone());
    }
    let mut hits = client
        .search(&SearchQuery::dashboards())
        .await
        .map_err(|e| CliError::failure(e.to_string()))?;
    if let Some(folder) = &args.folder {
        let uid = folder_uid(client, folder).await?;
        hits.retain(|h| h.folder_uid == uid);
    }
    let mut uids: Vec<String> = hits.into_iter().map(|h| h.uid).collect();
    uids.sort();
    uids.dedup();
    Ok(uids)
}

/// `[folders]` of the provisioning config (`layouts/` subfolder → Grafana folder title): the
/// given file, else the repository's default when there is one, else none.
fn provisioned_folders(given: Option<&Path>) -> Result<BTreeMap<String, String>, CliError> {
    let default = Path::new(DEFAULT_PROVISIONING_CONFIG);
    let path = match given {
        Some(path) => path,
        None if default.is_file() => default,
        None => return Ok(BTreeMap::new()),
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::failure(format!(
            "{}: cannot read the provisioning config: {e}",
            path.display()
        ))
    })?;
    let config =
        ProvisionConfig::parse(&text, &path.display().to_string()).map_err(CliError::failure)?;
    Ok(config.folders)
}

/// The `layouts/` subfolder a Grafana folder is provisioned from: the generated providers
/// give each folder the subfolder as its uid (`folderUid`), so the uid decides; a top-level
/// folder with another uid but a configured title (made by hand before provisioning) maps by
/// its title.
fn provisioned_subfolder<'a>(
    provisioned: &'a BTreeMap<String, String>,
    folder: &Folder,
) -> Option<&'a str> {
    if let Some((subfolder, _)) = provisioned.get_key_value(&folder.uid) {
        return Some(subfolder);
    }
    if !folder.parents.is_empty() {
        return None;
    }
    provisioned
        .iter()
        .find(|(_, title)| **title == folder.title)
        .map(|(subfolder, _)| subfolder.as_str())
}

/// Folder uid → path below the output folder, asked of Grafana once per folder.
struct FolderPaths {
    /// `layouts/` subfolder → Grafana folder title, from the provisioning config.
    provisioned: BTreeMap<String, String>,
    known: HashMap<String, Vec<String>>,
}

impl FolderPaths {
    async fn path(
        &mut self,
        client: &GrafanaClient,
        uid: &str,
        title: Option<&str>,
    ) -> Vec<String> {
        if let Some(path) = self.known.get(uid) {
            return path.clone();
        }
        let folder = match client.folder(uid).await {
            Ok(folder) if !folder.title.is_empty() => folder,
            // Without folder rights the dashboard's meta still names its folder.
            _ => Folder {
                uid: uid.to_string(),
                title: title.unwrap_or(uid).to_string(),
                parents: Vec::new(),
            },
        };
        let path = match provisioned_subfolder(&self.provisioned, &folder) {
            Some(subfolder) => vec![subfolder.to_string()],
            None => folder.path(),
        };
        self.known.insert(uid.to_string(), path.clone());
        path
    }
}

/// Dashboard files under the output folder by uid (hidden folders such as `.git` skipped).
fn index_files(dir: &Path) -> ExistingFiles {
    let mut files = Vec::new();
    collect_json(dir, &mut files);
    files.sort();
    let mut by_uid: BTreeMap<String, Vec<(PathBuf, String)>> = BTreeMap::new();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Some(uid) = uid_of_file(&text) {
            by_uid.entry(uid).or_default().push((path, text));
        }
    }
    by_uid
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_dir() && !hidden {
            collect_json(&path, out);
        } else if meta.is_file()
            && !hidden
            && meta.len() <= MAX_FILE_BYTES
            && path.extension().is_some_and(|e| e == "json")
        {
            out.push(path);
        }
    }
}

/// Write through a temporary file and a rename, so an interrupted pull leaves no half file.
fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = parent.join(format!(".{name}.triage-{}.tmp", std::process::id()));
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(uid: &str, title: &str, parents: Vec<Folder>) -> Folder {
        Folder {
            uid: uid.into(),
            title: title.into(),
            parents,
        }
    }

    #[test]
    fn provisioned_folders_map_to_their_subfolder_by_uid_then_by_top_level_title() {
        let provisioned: BTreeMap<String, String> =
            [("service", "Services"), ("platform", "Platform")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let map = |f: &Folder| provisioned_subfolder(&provisioned, f);
        assert_eq!(map(&folder("service", "Services", vec![])), Some("service"));
        assert_eq!(map(&folder("service", "Renamed", vec![])), Some("service"));
        assert_eq!(map(&folder("x1", "Platform", vec![])), Some("platform"));
        let parent = folder("team", "Team", vec![]);
        assert_eq!(map(&folder("x2", "Platform", vec![parent])), None);
        assert_eq!(map(&folder("f-service", "service", vec![])), None);
    }

    #[test]
    fn a_broken_provisioning_config_is_named() {
        let dir = std::env::temp_dir().join(format!("triage-pull-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad.toml");
        std::fs::write(&path, "grafana_version = 13\n").unwrap();
        let error = provisioned_folders(Some(&path)).unwrap_err().message;
        assert!(error.contains("bad.toml"), "{error}");
        let missing = provisioned_folders(Some(&dir.join("none.toml")))
            .unwrap_err()
            .message;
        assert!(
            missing.contains("none.toml") && missing.contains("provisioning config"),
            "{missing}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
