//! Compressed report pages without compressing a report at each request. A published body is
//! compressed once (brotli and raw deflate, see [`EncodedBody`]); a request compresses only the
//! page around it (a few kilobytes that depend on the reader) and splices the streams together:
//! deflate blocks that end on a byte boundary, inside one gzip member whose checksum is combined
//! from the parts, and brotli streams made to be concatenated (`appendable` then `catable`).
//! Pure: bytes in, bytes out.

use std::io::Write;

use brotli::enc::BrotliEncoderParams;
use flate2::{Compress, Compression, FlushCompress};

/// How a response body is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The `Content-Encoding` value (None for identity).
    pub fn header(self) -> Option<&'static str> {
        match self {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }

    /// Brotli when the client accepts it, else gzip, else identity (`q=0` refuses a coding).
    pub fn negotiate(accept_encoding: Option<&str>) -> Self {
        let accepted = |name: &str| {
            accept_encoding.is_some_and(|header| {
                header.split(',').any(|item| {
                    let mut parts = item.split(';');
                    let coding = parts.next().unwrap_or_default().trim();
                    let refused = parts.any(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|q| q.trim().parse::<f32>().ok())
                            .is_some_and(|q| q <= 0.0)
                    });
                    (coding.eq_ignore_ascii_case(name) || coding == "*") && !refused
                })
            })
        };
        if accepted("br") {
            Encoding::Brotli
        } else if accepted("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

/// A report body compressed once, to be sent between a page's head and foot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedBody {
    /// A catable brotli stream of the body.
    pub brotli: Vec<u8>,
    /// Raw deflate blocks of the body, ending on a byte boundary, with no final block.
    pub deflate: Vec<u8>,
    /// CRC-32 of the body.
    pub crc32: u32,
    /// Length of the body in bytes.
    pub length: u32,
}

/// The brotli window (log2) for a body of `length` bytes: the smallest that holds it, at least
/// 18 (256 KiB). Every stream spliced with that body uses the same one (a later stream may not
/// have a larger window than the first), and no larger: an encoder allocates its window.
fn window(length: u32) -> i32 {
    (18..24)
        .find(|bits| (1u64 << bits) - 16 >= u64::from(length))
        .unwrap_or(24)
}

fn brotli_params(quality: i32, window: i32, first: bool) -> BrotliEncoderParams {
    BrotliEncoderParams {
        quality,
        lgwin: window,
        appendable: first,
        catable: !first,
        use_dictionary: first,
        ..BrotliEncoderParams::default()
    }
}

fn brotli(bytes: &[u8], quality: i32, window: i32, first: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 4 + 64);
    brotli::BrotliCompress(
        &mut &bytes[..],
        &mut out,
        &brotli_params(quality, window, first),
    )
    .expect("compressing into memory cannot fail");
    out
}

/// Raw deflate of `bytes`: a fresh stream (no reference before it), flushed to a byte boundary
/// (`last`: closed with a final block).
fn deflate(bytes: &[u8], level: u32, last: bool) -> Vec<u8> {
    let mut compress = Compress::new(Compression::new(level), false);
    let mut out = Vec::with_capacity(bytes.len() / 3 + 64);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    loop {
        let read = compress.total_in() as usize;
        out.reserve(bytes.len().saturating_sub(read) / 2 + 1024);
        let status = compress
            .compress_vec(&bytes[read..], &mut out, flush)
            .expect("deflating into memory cannot fail");
        let done = compress.total_in() as usize == bytes.len()
            && out.len() < out.capacity()
            && (!last || status == flate2::Status::StreamEnd);
        if done {
            return out;
        }
    }
}

impl EncodedBody {
    /// Compresses a body once, tightly (done at publication: brotli at quality 10, 60 ms for a
    /// 165 KB report, within 1 % of quality 11's size in a third of its time; deflate at 9).
    pub fn new(body: &str) -> Self {
        Self::with_levels(body, (10, 9))
    }

    /// Compresses a body once at `levels` (brotli quality, deflate level), for a body kept a
    /// shorter time than a report's, whose first request pays for it.
    pub fn with_levels(body: &str, (quality, level): (i32, u32)) -> Self {
        let bytes = body.as_bytes();
        Self {
            brotli: brotli(bytes, quality, window(bytes.len() as u32), false),
            deflate: deflate(bytes, level, false),
            crc32: crc32fast::hash(bytes),
            length: bytes.len() as u32,
        }
    }
}

/// Levels for the per-request parts (a page's head and foot, 2 KB): the fastest levels that
/// still compress them, since every millisecond counts more here than a few hundred bytes
/// (brotli 2: 30 µs a page against 100 µs at 5, for 170 more bytes).
const PART_BROTLI: i32 = 2;
const PART_DEFLATE: u32 = 1;

/// `head + body + foot`, encoded, with the body's compression reused.
pub fn page(encoding: Encoding, head: &str, body: &EncodedBody, foot: &str) -> Vec<u8> {
    match encoding {
        Encoding::Brotli => brotli_page(head, body, foot),
        Encoding::Gzip => gzip_page(head, body, foot),
        Encoding::Identity => unreachable!("identity pages are not encoded"),
    }
}

fn brotli_page(head: &str, body: &EncodedBody, foot: &str) -> Vec<u8> {
    let window = window(body.length);
    let head = brotli(head.as_bytes(), PART_BROTLI, window, true);
    let foot = brotli(foot.as_bytes(), PART_BROTLI, window, false);
    let parts = [&head[..], &body.brotli[..], &foot[..]];
    let total: usize = parts.iter().map(|p| p.len()).sum();
    let mut out = vec![0u8; total + 16];
    let mut written = 0;
    let mut joiner = brotli::concat::BroCatli::new();
    for part in parts {
        joiner.new_brotli_file();
        let mut read = 0;
        while read < part.len() {
            match joiner.stream(part, &mut read, &mut out, &mut written) {
                brotli::concat::BroCatliResult::NeedsMoreInput
                | brotli::concat::BroCatliResult::Success => {}
                brotli::concat::BroCatliResult::NeedsMoreOutput => out.resize(out.len() * 2, 0),
                error => panic!("brotli parts made to be joined were refused: {error:?}"),
            }
        }
    }
    loop {
        match joiner.finish(&mut out, &mut written) {
            brotli::concat::BroCatliResult::Success => break,
            brotli::concat::BroCatliResult::NeedsMoreOutput => out.resize(out.len() * 2, 0),
            error => panic!("brotli parts made to be joined were refused: {error:?}"),
        }
    }
    out.truncate(written);
    out
}

fn gzip_page(head: &str, body: &EncodedBody, foot: &str) -> Vec<u8> {
    let head_blocks = deflate(head.as_bytes(), PART_DEFLATE, false);
    let foot_blocks = deflate(foot.as_bytes(), PART_DEFLATE, true);
    let mut crc = crc32fast::Hasher::new();
    crc.update(head.as_bytes());
    crc.combine(&crc32fast::Hasher::new_with_initial_len(
        body.crc32,
        u64::from(body.length),
    ));
    let mut foot_crc = crc32fast::Hasher::new();
    foot_crc.update(foot.as_bytes());
    crc.combine(&foot_crc);
    let length = head.len() as u64 + u64::from(body.length) + foot.len() as u64;

    let mut out =
        Vec::with_capacity(18 + head_blocks.len() + body.deflate.len() + foot_blocks.len());
    // Member header: deflate, no flags, no time, unknown OS.
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    out.extend_from_slice(&head_blocks);
    out.extend_from_slice(&body.deflate);
    out.extend_from_slice(&foot_blocks);
    out.write_all(&crc.finalize().to_le_bytes())
        .and_then(|()| out.write_all(&(length as u32).to_le_bytes()))
        .expect("writing into memory cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn sample(words: usize, seed: &str) -> String {
        (0..words)
            .map(|i| format!("<p class=\"c{}\">{seed} {i} é ç ’</p>", i % 7))
            .collect()
    }

    fn gunzip(bytes: &[u8]) -> String {
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    fn unbrotli(bytes: &[u8]) -> String {
        let mut text = String::new();
        brotli::Decompressor::new(bytes, 4096)
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn spliced_pages_decode_to_the_identity_page() {
        for (head, body, foot) in [
            (
                sample(40, "tête"),
                sample(3000, "corps"),
                sample(20, "pied"),
            ),
            (String::new(), sample(1, "x"), String::new()),
            ("<html>".to_owned(), String::new(), "</html>".to_owned()),
        ] {
            let encoded = EncodedBody::new(&body);
            let identity = format!("{head}{body}{foot}");
            let gzip = page(Encoding::Gzip, &head, &encoded, &foot);
            assert_eq!(gunzip(&gzip), identity);
            let br = page(Encoding::Brotli, &head, &encoded, &foot);
            assert_eq!(unbrotli(&br), identity);
            // The body is not sent uncompressed.
            if body.len() > 10_000 {
                assert!(br.len() * 4 < identity.len(), "{} bytes", br.len());
                assert!(gzip.len() * 4 < identity.len(), "{} bytes", gzip.len());
            }
        }
    }

    #[test]
    fn the_gzip_checksum_covers_every_part() {
        let encoded = EncodedBody::new("corps");
        let mut gzip = page(Encoding::Gzip, "tête", &encoded, "pied");
        let n = gzip.len();
        gzip[n - 8] ^= 1;
        let mut text = String::new();
        assert!(
            flate2::read::GzDecoder::new(&gzip[..])
                .read_to_string(&mut text)
                .is_err()
        );
    }

    #[test]
    fn the_best_accepted_coding_wins() {
        use Encoding::*;
        for (header, expected) in [
            (Some("gzip, deflate, br, zstd"), Brotli),
            (Some("gzip, deflate"), Gzip),
            (Some("br;q=0, gzip;q=0.5"), Gzip),
            (Some("BR"), Brotli),
            (Some("*"), Brotli),
            (Some("identity"), Identity),
            (Some("gzip;q=0"), Identity),
            (None, Identity),
            (Some(""), Identity),
        ] {
            assert_eq!(Encoding::negotiate(header), expected, "{header:?}");
        }
    }
}
