//! The image cache's second tier: an object store (S3, Google Cloud Storage, Azure, a local
//! folder) shared by machines that build the same photos, behind the local [`Cache`].
//!
//! Before encoding, the variants missing locally are fetched and checked into the local cache;
//! after, what was encoded is uploaded. The store only ever saves time: when it fails, the first
//! error is kept for one warning and no further request is sent, so a store that is down costs at
//! most one timeout, never the build (docs/cache.md).

use crate::images::cache::Cache;
use std::sync::Mutex;

/// How many requests are in flight at once: enough to hide a store's latency, few enough not to
/// look like a flood to it (or to a CI machine's network).
pub const CONCURRENCY: usize = 16;
/// The longest one request may take before the store is judged down.
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// An entry travels as one object: a header line with the length and BLAKE3 hash of the bytes
/// after it. One PUT is atomic in every store, so the check can never be separated from its bytes.
const MAGIC: &str = "minisite-variant-1";
/// A header is one short line; an object without one that fits is not ours.
const HEADER_MAX: usize = 128;

/// The object's bytes for an entry.
pub fn pack(bytes: &[u8]) -> Vec<u8> {
    let header = format!("{MAGIC} {} {}\n", bytes.len(), blake3::hash(bytes).to_hex());
    let mut object = Vec::with_capacity(header.len() + bytes.len());
    object.extend_from_slice(header.as_bytes());
    object.extend_from_slice(bytes);
    object
}

/// The entry inside an object, only when it is exactly what was packed; anything else (cut
/// short, changed, someone else's object) is a miss.
pub fn unpack(object: &[u8]) -> Option<&[u8]> {
    let end = object.iter().take(HEADER_MAX).position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(&object[..end]).ok()?;
    let mut parts = header.split(' ');
    if parts.next()? != MAGIC {
        return None;
    }
    let len: usize = parts.next()?.parse().ok()?;
    let hash = blake3::Hash::from_hex(parts.next()?).ok()?;
    let body = &object[end + 1..];
    (parts.next().is_none() && body.len() == len && blake3::hash(body) == hash).then_some(body)
}

/// The object name of an entry under the store's prefix: sharded like the local cache.
#[cfg_attr(not(feature = "remote-cache"), allow(dead_code))]
fn object_name(prefix: &str, key: &str, ext: &str) -> String {
    let shard = &key[..2.min(key.len())];
    let prefix = prefix.trim_matches('/');
    if prefix.is_empty() {
        format!("{shard}/{key}.{ext}")
    } else {
        format!("{prefix}/{shard}/{key}.{ext}")
    }
}

/// A shared store, as `--cache-url` names it.
pub struct Remote {
    url: String,
    #[cfg(feature = "remote-cache")]
    store: store::Store,
    /// The first failure; once set, no more requests are sent.
    trouble: Mutex<Option<String>>,
}

impl Remote {
    /// Whether this minisite was built with the object-store client.
    pub const BUILT_IN: bool = cfg!(feature = "remote-cache");

    /// Connects nothing yet: only checks the URL and the credentials the environment gives.
    /// Err is what is wrong with them, for a warning.
    pub fn open(url: &str) -> Result<Remote, String> {
        #[cfg(feature = "remote-cache")]
        {
            Ok(Remote {
                url: url.to_string(),
                store: store::Store::open(url)?,
                trouble: Mutex::new(None),
            })
        }
        #[cfg(not(feature = "remote-cache"))]
        {
            Err(format!(
                "{url}: this minisite was built without the remote-cache feature"
            ))
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// What went wrong with the store in this build, if anything: the first error.
    pub fn trouble(&self) -> Option<String> {
        self.trouble.lock().ok()?.clone()
    }

    #[cfg_attr(not(feature = "remote-cache"), allow(dead_code))]
    fn down(&self) -> bool {
        self.trouble.lock().map_or(true, |t| t.is_some())
    }

    #[cfg_attr(not(feature = "remote-cache"), allow(dead_code))]
    fn fail(&self, error: String) {
        if let Ok(mut t) = self.trouble.lock() {
            t.get_or_insert(error);
        }
    }

    /// Fetches the entries `wanted` (key, extension) into `cache`; returns those that were
    /// there and checked out. Missing and damaged objects are misses, made again by the caller.
    pub fn fetch(&self, cache: &Cache, wanted: &[(String, &'static str)]) -> Vec<(String, &'static str)> {
        #[cfg(feature = "remote-cache")]
        {
            self.store
                .run(wanted, |name, entry| self.fetch_one(cache, name, entry))
        }
        #[cfg(not(feature = "remote-cache"))]
        {
            let _ = (cache, wanted);
            Vec::new()
        }
    }

    /// Uploads the entries `made` from `cache`; a failure is kept for the warning, nothing more.
    pub fn upload(&self, cache: &Cache, made: &[(String, &'static str)]) {
        #[cfg(feature = "remote-cache")]
        {
            self.store
                .run(made, |name, entry| self.upload_one(cache, name, entry));
        }
        #[cfg(not(feature = "remote-cache"))]
        {
            let _ = (cache, made);
        }
    }
}

#[cfg(feature = "remote-cache")]
impl Remote {
    async fn fetch_one(&self, cache: &Cache, name: String, (key, ext): &(String, &'static str)) -> bool {
        use object_store::ObjectStoreExt;
        if self.down() {
            return false;
        }
        let path = object_store::path::Path::from(name);
        let got = tokio::time::timeout(TIMEOUT, async {
            self.store.inner.get(&path).await?.bytes().await
        })
        .await;
        match got {
            Err(_) => self.fail(format!("no answer in {} s", TIMEOUT.as_secs())),
            Ok(Err(object_store::Error::NotFound { .. })) => {}
            Ok(Err(e)) => self.fail(e.to_string()),
            // A local entry is written whole or not at all (Cache::put), so a failed write is a miss.
            Ok(Ok(object)) => return unpack(&object).is_some_and(|b| cache.put(key, ext, b).is_ok()),
        }
        false
    }

    async fn upload_one(&self, cache: &Cache, name: String, (key, ext): &(String, &'static str)) -> bool {
        use object_store::ObjectStoreExt;
        if self.down() {
            return false;
        }
        let Some(bytes) = cache.get(key, ext) else {
            return false;
        };
        let path = object_store::path::Path::from(name);
        let put = tokio::time::timeout(TIMEOUT, self.store.inner.put(&path, pack(&bytes).into())).await;
        match put {
            Err(_) => self.fail(format!("no answer in {} s", TIMEOUT.as_secs())),
            Ok(Err(e)) => self.fail(e.to_string()),
            Ok(Ok(_)) => return true,
        }
        false
    }
}

#[cfg(feature = "remote-cache")]
mod store {
    use futures_util::StreamExt;
    use object_store::{ObjectStore, ObjectStoreScheme, RetryConfig};
    use std::sync::Arc;
    use std::time::Duration;

    pub(super) struct Store {
        pub(super) inner: Arc<dyn ObjectStore>,
        prefix: String,
        /// object_store is async: a small runtime of its own, inside the image step, while
        /// rayon keeps the encoding.
        runtime: tokio::runtime::Runtime,
    }

    /// Few, short retries: a store that is down should cost seconds, not object_store's
    /// default of minutes, since every photo can be made here instead.
    fn retry() -> RetryConfig {
        RetryConfig {
            max_retries: 2,
            retry_timeout: Duration::from_secs(10),
            ..RetryConfig::default()
        }
    }

    impl Store {
        pub(super) fn open(url: &str) -> Result<Store, String> {
            let parsed = url::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
            // reqwest is built without a TLS provider of its own (Cargo.toml); an error only
            // says another was installed first, which serves as well.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let (scheme, prefix) = ObjectStoreScheme::parse(&parsed).map_err(|e| e.to_string())?;
            // Credentials and endpoints come from the environment, as each client reads them
            // (AWS_ACCESS_KEY_ID, AWS_ENDPOINT, GOOGLE_SERVICE_ACCOUNT, AZURE_STORAGE_ACCOUNT_KEY…).
            let inner: Arc<dyn ObjectStore> = match scheme {
                ObjectStoreScheme::AmazonS3 => Arc::new(
                    object_store::aws::AmazonS3Builder::from_env()
                        .with_url(url)
                        .with_retry(retry())
                        .build()
                        .map_err(|e| e.to_string())?,
                ),
                ObjectStoreScheme::GoogleCloudStorage => Arc::new(
                    object_store::gcp::GoogleCloudStorageBuilder::from_env()
                        .with_url(url)
                        .with_retry(retry())
                        .build()
                        .map_err(|e| e.to_string())?,
                ),
                ObjectStoreScheme::MicrosoftAzure => Arc::new(
                    object_store::azure::MicrosoftAzureBuilder::from_env()
                        .with_url(url)
                        .with_retry(retry())
                        .build()
                        .map_err(|e| e.to_string())?,
                ),
                ObjectStoreScheme::Local => Arc::new(object_store::local::LocalFileSystem::new()),
                _ => return Err("not a store minisite can use: give s3://, gs://, az:// or file://".into()),
            };
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start its network client: {e}"))?;
            Ok(Store {
                inner,
                prefix: prefix.to_string(),
                runtime,
            })
        }

        /// Runs `one` on every entry, [`super::CONCURRENCY`] at a time; returns the entries
        /// for which it said yes.
        pub(super) fn run<'a, F, Fut>(
            &self,
            entries: &'a [(String, &'static str)],
            one: F,
        ) -> Vec<(String, &'static str)>
        where
            F: Fn(String, &'a (String, &'static str)) -> Fut,
            Fut: std::future::Future<Output = bool>,
        {
            self.runtime.block_on(
                futures_util::stream::iter(entries)
                    .map(|entry| {
                        let done = one(super::object_name(&self.prefix, &entry.0, entry.1), entry);
                        async move { done.await.then(|| entry.clone()) }
                    })
                    .buffer_unordered(super::CONCURRENCY)
                    .filter_map(std::future::ready)
                    .collect(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_entry_unpacks_only_while_whole() {
        let object = pack(b"RIFF-some-bytes");
        assert_eq!(unpack(&object), Some(&b"RIFF-some-bytes"[..]));
        assert_eq!(unpack(&object[..object.len() - 1]), None, "cut short");
        let mut changed = object.clone();
        *changed.last_mut().unwrap() ^= 1;
        assert_eq!(unpack(&changed), None, "changed byte");
        assert_eq!(unpack(b"RIFF-some-bytes"), None, "no header");
        assert_eq!(unpack(b""), None, "empty");
    }

    #[test]
    fn object_names_are_sharded_under_the_prefix() {
        assert_eq!(
            object_name("shop/cache/", "ab12", "webp"),
            "shop/cache/ab/ab12.webp"
        );
        assert_eq!(object_name("", "ab12", "jpg"), "ab/ab12.jpg");
    }

    /// reqwest has no TLS provider of its own (Cargo.toml): opening an https store must install
    /// one, or building its client panics. Nothing is sent: the client is only built.
    #[cfg(feature = "remote-cache")]
    #[test]
    fn an_https_store_opens_with_the_ring_tls_provider() {
        let store = store::Store::open("https://minisite-test.s3.us-east-1.amazonaws.com/cache");
        assert!(store.is_ok(), "{:?}", store.err());
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }
}
