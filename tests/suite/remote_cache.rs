//! `--cache-url`: the image cache shared through object storage, against a real S3-compatible
//! server (moto's, which .ci/run installs) and a local folder. "Machines" are site copies with
//! cache folders of their own, built by the real binary.

use crate::common;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// moto's S3 server on a free loopback port, stopped when dropped.
struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Moto {
    fn start() -> Moto {
        let port = free_port();
        let child = Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        let mut moto = Moto { child, port };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto's server stopped ({status}): install it with pip install 'moto[server]'");
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "moto's server did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto.s3("create_bucket(Bucket='shared')");
        moto
    }

    /// Runs one call of boto3's S3 client (moto's own dependency) against the server.
    fn s3(&self, call: &str) {
        let script = format!(
            "import boto3\nboto3.client('s3', endpoint_url='{}', aws_access_key_id='test', \
             aws_secret_access_key='test', region_name='us-east-1').{call}",
            self.endpoint()
        );
        let out = Command::new("python3").args(["-c", &script]).output().unwrap();
        assert!(
            out.status.success(),
            "{call}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Builds `site` with its own cache folder and `url` as the shared cache, S3 at `endpoint`.
fn build(site: &Path, cache: &Path, url: &str, endpoint: &str) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_minisite"))
        .args([
            "build",
            &site.to_string_lossy(),
            "--cache-dir",
            &cache.to_string_lossy(),
        ])
        .args(["--cache-url", url])
        .env_remove("MINISITE_CACHE_DIR")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT", endpoint)
        .env("AWS_ALLOW_HTTP", "true")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// (made, reused, fetched) from the build's summary line.
fn counts(out: &Output) -> (usize, usize, usize) {
    let text = String::from_utf8_lossy(&out.stdout);
    let inner = text.split(" images (").nth(1).and_then(|t| t.split(')').next());
    let inner = inner.unwrap_or_else(|| panic!("no image counts in: {text}"));
    let number = |word: &str| {
        inner
            .split(", ")
            .find_map(|p| p.strip_suffix(word))
            .map_or(0, |n| n.trim().parse().unwrap())
    };
    (number(" made"), number(" reused"), number(" fetched"))
}

/// The photo variants a build published, by path.
fn photos(site: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    common::contents(&site.join("public"))
        .into_iter()
        .filter(|(p, _)| [".webp", ".jpg", ".avif"].iter().any(|e| p.ends_with(e)))
        .collect()
}

/// One entry of a local cache: its path relative to the cache folder ("ab/KEY.webp").
fn an_entry(cache: &Path) -> String {
    common::files(cache)
        .into_iter()
        .map(|p| {
            p.strip_prefix(cache)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .find(|p| p.ends_with(".webp") && p.len() == 2 + 1 + 64 + 5)
        .expect("a cached WebP")
}

struct Machine {
    site: tempfile::TempDir,
    cache: tempfile::TempDir,
}

fn machine() -> Machine {
    Machine {
        site: common::copy_site(&common::fixtures().join("shop")),
        cache: tempfile::tempdir().unwrap(),
    }
}

fn site(m: &Machine) -> PathBuf {
    m.site.path().to_path_buf()
}

#[test]
fn a_second_machine_fetches_every_variant_from_s3_and_makes_none() {
    let moto = Moto::start();
    let (a, b) = (machine(), machine());
    let url = "s3://shared/agency/cache";
    let first = counts(&build(&site(&a), a.cache.path(), url, &moto.endpoint()));
    assert!(
        first.0 > 0 && first.2 == 0,
        "machine A made everything: {first:?}"
    );

    let second = counts(&build(&site(&b), b.cache.path(), url, &moto.endpoint()));
    assert_eq!(second, (0, 0, first.0), "machine B: made, reused, fetched");
    let (pa, pb) = (photos(&site(&a)), photos(&site(&b)));
    assert!(!pa.is_empty());
    assert_eq!(pa.keys().collect::<Vec<_>>(), pb.keys().collect::<Vec<_>>());
    assert!(pa == pb, "machine B's photos are byte for byte machine A's");
}

#[test]
fn a_damaged_object_in_the_store_is_made_again() {
    let moto = Moto::start();
    let (a, c) = (machine(), machine());
    let url = "s3://shared/agency";
    let first = counts(&build(&site(&a), a.cache.path(), url, &moto.endpoint()));
    let entry = an_entry(a.cache.path());
    moto.s3(&format!(
        "put_object(Bucket='shared', Key='agency/{entry}', Body=b'not what was uploaded')"
    ));

    let out = build(&site(&c), c.cache.path(), url, &moto.endpoint());
    assert_eq!(
        counts(&out),
        (1, 0, first.0 - 1),
        "machine C: made, reused, fetched"
    );
    assert!(
        photos(&site(&a)) == photos(&site(&c)),
        "the damaged variant was made right"
    );
    assert!(
        std::fs::read(c.cache.path().join(&entry)).unwrap()
            == std::fs::read(a.cache.path().join(&entry)).unwrap(),
        "the damaged object's bytes never reached the local cache"
    );
}

#[test]
fn an_unreachable_store_costs_one_warning_not_the_build() {
    // Nothing listens there: connections are refused.
    let closed = format!("http://127.0.0.1:{}", free_port());
    let (a, alone) = (machine(), machine());
    let url = "s3://shared/agency";
    let started = Instant::now();
    let out = build(&site(&a), a.cache.path(), url, &closed);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches(url).count(),
        1,
        "one warning naming the URL:\n{stderr}"
    );
    assert!(stderr.contains("could not be used"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "a refused store must not cost minutes"
    );
    let (made, _, fetched) = counts(&out);
    assert!(made > 0 && fetched == 0, "made here: {made}, fetched {fetched}");

    // The same photos as a build that never heard of a store.
    common::cli(&[
        "build",
        &site(&alone).to_string_lossy(),
        "--cache-dir",
        &alone.cache.path().to_string_lossy(),
    ]);
    assert!(photos(&site(&a)) == photos(&site(&alone)));
}

#[test]
fn a_local_folder_is_a_shared_cache_too() {
    let store = tempfile::tempdir().unwrap();
    let url = format!("file://{}/cache", store.path().display());
    let (a, b) = (machine(), machine());
    let first = counts(&build(&site(&a), a.cache.path(), &url, "http://127.0.0.1:9"));
    let second = counts(&build(&site(&b), b.cache.path(), &url, "http://127.0.0.1:9"));
    assert_eq!(second, (0, 0, first.0), "machine B: made, reused, fetched");
    assert!(photos(&site(&a)) == photos(&site(&b)));
}
