//! One partner's portal pages as one value of the page store (a KV value at the edge, a
//! SQLite row natively): each page deflated on its own, behind an index, so the worker
//! inflates only the page it serves.
//!
//! Layout (integers little-endian):
//!
//! ```text
//! "PCP1" | count: u32 | count × (path_len: u16, path, raw_len: u32, offset: u32, len: u32) | data
//! ```
//!
//! `path` is the page's place under `/portal/`: `""` for the front page, `"links/"`,
//! `"reports/clicks/"`. `offset` counts from the start of `data`.

const MAGIC: &[u8; 4] = b"PCP1";
/// The largest page the reader inflates (a portal page is ~10 KB).
const MAX_PAGE: usize = 8 * 1024 * 1024;

/// Why a stored value is not a page bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("not a page bundle (bad header)")]
    Header,
    #[error("the page bundle is cut short")]
    Truncated,
    #[error("a page of the bundle cannot be inflated")]
    Inflate,
}

/// Packs `(path, html)` pages, deflating each at `level` (0–10).
pub fn pack<'a>(pages: impl IntoIterator<Item = (&'a str, &'a [u8])>, level: u8) -> Vec<u8> {
    pack_with(pages, |html| {
        miniz_oxide::deflate::compress_to_vec(html, level)
    })
}

/// Packs `(path, html)` pages with `deflate`, which must produce a raw deflate stream (RFC
/// 1951), the format [`page`] inflates; the generator uses a faster deflater than this crate's.
pub fn pack_with<'a>(
    pages: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    deflate: impl Fn(&[u8]) -> Vec<u8>,
) -> Vec<u8> {
    let mut index = Vec::new();
    let mut data = Vec::new();
    let mut count: u32 = 0;
    for (path, html) in pages {
        let deflated = deflate(html);
        index.extend_from_slice(&u16::try_from(path.len()).unwrap_or(u16::MAX).to_le_bytes());
        index.extend_from_slice(path.as_bytes());
        for n in [html.len(), data.len(), deflated.len()] {
            index.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
        }
        data.extend_from_slice(&deflated);
        count += 1;
    }
    let mut out = Vec::with_capacity(8 + index.len() + data.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&index);
    out.extend_from_slice(&data);
    out
}

/// One page's entry in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry<'b> {
    path: &'b str,
    raw_len: usize,
    offset: usize,
    len: usize,
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], BundleError> {
        let end = self.at.checked_add(n).ok_or(BundleError::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(BundleError::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    fn u16(&mut self) -> Result<usize, BundleError> {
        let b = self.take(2)?;
        Ok(usize::from(u16::from_le_bytes([b[0], b[1]])))
    }

    fn u32(&mut self) -> Result<usize, BundleError> {
        let b = self.take(4)?;
        usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .map_err(|_| BundleError::Truncated)
    }
}

/// The index and where the data starts.
fn index(bundle: &[u8]) -> Result<(Vec<Entry<'_>>, usize), BundleError> {
    let mut r = Reader {
        bytes: bundle,
        at: 0,
    };
    if r.take(4).map_err(|_| BundleError::Header)? != MAGIC {
        return Err(BundleError::Header);
    }
    let count = r.u32()?;
    let mut entries = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        let len = r.u16()?;
        let path = std::str::from_utf8(r.take(len)?).map_err(|_| BundleError::Header)?;
        entries.push(Entry {
            path,
            raw_len: r.u32()?,
            offset: r.u32()?,
            len: r.u32()?,
        });
    }
    Ok((entries, r.at))
}

/// The page at `path`, inflated; `Ok(None)` if the bundle has no such page.
pub fn page(bundle: &[u8], path: &str) -> Result<Option<Vec<u8>>, BundleError> {
    let (entries, data) = index(bundle)?;
    let Some(entry) = entries.iter().find(|e| e.path == path) else {
        return Ok(None);
    };
    let start = data
        .checked_add(entry.offset)
        .ok_or(BundleError::Truncated)?;
    let deflated = bundle
        .get(start..start.saturating_add(entry.len))
        .ok_or(BundleError::Truncated)?;
    let html =
        miniz_oxide::inflate::decompress_to_vec_with_limit(deflated, entry.raw_len.min(MAX_PAGE))
            .map_err(|_| BundleError::Inflate)?;
    if html.len() != entry.raw_len {
        return Err(BundleError::Inflate);
    }
    Ok(Some(html))
}

/// Every page path in the bundle, in the order they were packed.
pub fn paths(bundle: &[u8]) -> Result<Vec<String>, BundleError> {
    Ok(index(bundle)?
        .0
        .into_iter()
        .map(|e| e.path.to_owned())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_come_back_byte_for_byte() {
        let front = "<h1>Welcome</h1>".repeat(100);
        let links = "<a href=\"/r/abc123\">x</a>".repeat(50);
        let bundle = pack([("", front.as_bytes()), ("links/", links.as_bytes())], 6);
        assert!(bundle.len() < front.len() + links.len());
        assert_eq!(page(&bundle, "").unwrap().unwrap(), front.as_bytes());
        assert_eq!(page(&bundle, "links/").unwrap().unwrap(), links.as_bytes());
        assert_eq!(page(&bundle, "banners/").unwrap(), None);
        assert_eq!(paths(&bundle).unwrap(), ["", "links/"]);
    }

    #[test]
    fn damaged_bundles_are_errors_not_panics() {
        let bundle = pack([("", b"<p>hello</p>".as_slice())], 6);
        assert_eq!(page(b"nope", ""), Err(BundleError::Header));
        assert_eq!(page(b"", ""), Err(BundleError::Header));
        for cut in 4..bundle.len() {
            assert!(page(&bundle[..cut], "").is_err(), "cut at {cut}");
        }
    }
}
