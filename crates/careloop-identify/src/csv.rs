//! A fast CSV line splitter and a parallel block reader.
//!
//! Files are read as bytes in large blocks cut at line ends and handed to worker threads, so a
//! 6 GB file is never held in memory. Fields follow RFC 4180: a field may be quoted, a quoted
//! field may contain commas and doubled quotes (`""`). **A quoted field may not contain a line
//! break**: blocks are cut at every `\n`, so such a row arrives as two broken lines, and each is
//! rejected as an error row ("unterminated quoted field"). `\r\n` line ends are accepted.

use crate::IdentifyError;
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, sync_channel};

/// Block size handed to a worker.
const BLOCK: usize = 4 << 20;

/// Why a line could not be split into fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitError {
    /// A quoted field runs to the end of the line (a line break inside quotes is not supported).
    Unterminated,
    /// Text between a closing quote and the next comma.
    AfterQuote,
}

impl SplitError {
    pub fn reason(self) -> &'static str {
        match self {
            SplitError::Unterminated => {
                "unterminated quoted field (line breaks inside quoted fields are not supported)"
            }
            SplitError::AfterQuote => "malformed quoted field (text after the closing quote)",
        }
    }
}

/// Split one line (without its line end) into field ranges. A quoted field's range excludes
/// the outer quotes and keeps doubled quotes as they are (see [`unquote`]).
pub fn split(line: &[u8], out: &mut Vec<(usize, usize)>) -> Result<(), SplitError> {
    out.clear();
    if memchr::memchr(b'"', line).is_none() {
        let mut start = 0;
        for comma in memchr::memchr_iter(b',', line) {
            out.push((start, comma));
            start = comma + 1;
        }
        out.push((start, line.len()));
        return Ok(());
    }
    let mut pos = 0;
    loop {
        if line.get(pos) == Some(&b'"') {
            // Quoted field: find the closing quote that is not a doubled quote.
            let start = pos + 1;
            let mut i = start;
            loop {
                match memchr::memchr(b'"', line.get(i..).unwrap_or_default()) {
                    None => return Err(SplitError::Unterminated),
                    Some(q) => {
                        let q = i + q;
                        if line.get(q + 1) == Some(&b'"') {
                            i = q + 2;
                        } else {
                            out.push((start, q));
                            pos = q + 1;
                            break;
                        }
                    }
                }
            }
            match line.get(pos) {
                None => return Ok(()),
                Some(b',') => pos += 1,
                Some(_) => return Err(SplitError::AfterQuote),
            }
        } else {
            match memchr::memchr(b',', line.get(pos..).unwrap_or_default()) {
                None => {
                    out.push((pos, line.len()));
                    return Ok(());
                }
                Some(c) => {
                    out.push((pos, pos + c));
                    pos += c + 1;
                }
            }
        }
        if pos == line.len() {
            // Trailing comma: one more, empty field.
            out.push((pos, pos));
            return Ok(());
        }
    }
}

/// The high bit of each byte of `w` that is a comma, all other bits clear (exact: the
/// zero-byte test of x = w ^ ",,,,,,,," without false positives).
#[inline(always)]
fn comma_bytes(w: u64) -> u64 {
    const SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = w ^ 0x2c2c_2c2c_2c2c_2c2c;
    // High bit set where the byte of x is non-zero.
    let nonzero = ((x & SEVEN) + SEVEN) | x;
    !nonzero & !SEVEN
}

/// Like [`split`], but records only the ranges of fields `0..=need` (fewer when the line has
/// fewer fields) and returns the line's total number of fields. The fields up to `need` are
/// found 8 bytes at a time (a word-wide comma test); the commas after them are only counted,
/// without looking at field contents. A line with a quote takes [`split`] (same ranges, same
/// errors).
pub fn split_upto(
    line: &[u8],
    need: usize,
    out: &mut Vec<(usize, usize)>,
) -> Result<usize, SplitError> {
    if memchr::memchr(b'"', line).is_some() {
        split(line, out)?;
        let total = out.len();
        out.truncate(need + 1);
        return Ok(total);
    }
    out.clear();
    let n = line.len();
    let mut start = 0usize;
    let mut base = 0usize;
    'collect: while out.len() < need && base < n {
        let word = match line.get(base..base + 8).map(<[u8; 8]>::try_from) {
            Some(Ok(w)) => w,
            _ => {
                // The last, short word: the remaining bytes, then zeros.
                let mut w = [0u8; 8];
                for (to, from) in w.iter_mut().zip(line.get(base..).unwrap_or_default()) {
                    *to = *from;
                }
                w
            }
        };
        let mut z = comma_bytes(u64::from_le_bytes(word));
        while z != 0 {
            let pos = base + (z.trailing_zeros() / 8) as usize;
            out.push((start, pos));
            start = pos + 1;
            if out.len() == need {
                break 'collect;
            }
            z &= z - 1;
        }
        base += 8;
    }
    // Field `need` (or the last field of a shorter line) runs to the next comma; the commas
    // after it are only counted.
    let rest = line.get(start..).unwrap_or_default();
    let end = memchr::memchr(b',', rest).map_or(n, |c| start + c);
    out.push((start, end));
    let commas = out.len() - 1 + rest.iter().filter(|&&b| b == b',').count();
    Ok(commas + 1)
}

/// Field `i` of a line split into `fields` (byte ranges), trimmed of ASCII white space; empty
/// when the line has no field `i` (callers check the field count first).
pub fn trimmed_field<'a>(line: &'a [u8], fields: &[(usize, usize)], i: usize) -> &'a [u8] {
    fields
        .get(i)
        .and_then(|&(s, e)| line.get(s..e))
        .unwrap_or_default()
        .trim_ascii()
}

/// A field's text with doubled quotes undone, lossily decoded as UTF-8.
pub fn unquote(field: &[u8]) -> String {
    let text = String::from_utf8_lossy(field);
    if text.contains("\"\"") {
        text.replace("\"\"", "\"")
    } else {
        text.into_owned()
    }
}

/// Column names of a header line, and lookups by name.
#[derive(Clone, Debug)]
pub struct Header {
    pub names: Vec<String>,
}

impl Header {
    fn parse(line: &[u8]) -> Result<Header, SplitError> {
        let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        let mut ranges = Vec::new();
        split(line, &mut ranges)?;
        Ok(Header {
            names: ranges
                .iter()
                .map(|&(s, e)| {
                    unquote(line.get(s..e).unwrap_or_default())
                        .trim()
                        .to_ascii_lowercase()
                })
                .collect(),
        })
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The index of a required column, or an error naming the file and column.
    pub fn require(&self, file: &Path, name: &str) -> Result<usize, IdentifyError> {
        self.find(name).ok_or_else(|| IdentifyError::MissingColumn {
            file: file.display().to_string(),
            column: name.to_string(),
        })
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Where a line is: block sequence number and line index inside the block. Turned into a file
/// line number by [`LineNumbers`] once every block has been counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineRef {
    pub block: u32,
    pub line: u32,
}

/// Per-block line counts, for turning a [`LineRef`] into a 1-based file line number.
#[derive(Clone, Debug, Default)]
pub struct LineNumbers {
    /// File line number of the first line of each block.
    first: Vec<u64>,
}

impl LineNumbers {
    fn new(counts: &[u32]) -> Self {
        let mut first = Vec::with_capacity(counts.len());
        // Line 1 is the header.
        let mut next = 2u64;
        for &c in counts {
            first.push(next);
            next += u64::from(c);
        }
        LineNumbers { first }
    }

    pub fn line(&self, r: LineRef) -> u64 {
        self.first.get(r.block as usize).copied().unwrap_or(0) + u64::from(r.line)
    }
}

/// Something told how far the reading has got (a progress bar on a terminal).
pub trait Progress: Sync {
    /// A new phase over `total` units (bytes or members).
    fn phase(&self, name: &str, total: u64);
    fn advance(&self, n: u64);
    fn finish(&self);
}

/// No progress display.
pub struct NoProgress;

impl Progress for NoProgress {
    fn phase(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// Result of reading one file in parallel.
pub struct ParRead<W> {
    pub header: Header,
    pub workers: Vec<W>,
    pub lines: LineNumbers,
    pub bytes: u64,
}

struct Block {
    seq: u32,
    data: Vec<u8>,
}

/// Read `path` in blocks on this thread and run `per_line` for every data line (after the
/// header) on `threads` worker threads, each with its own state from `init`. Lines are given
/// without their line end. Memory stays at a few blocks per worker whatever the file size.
pub fn par_lines<W, I, F>(
    path: &Path,
    threads: usize,
    progress: &dyn Progress,
    phase: &str,
    init: I,
    per_line: F,
) -> Result<ParRead<W>, IdentifyError>
where
    W: Send,
    I: Fn(&Header) -> W + Sync,
    F: Fn(&mut W, &[u8], LineRef) + Sync,
{
    let io = |source| IdentifyError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    progress.phase(phase, total);
    // The header: read until the first line end.
    let mut buf = vec![0u8; BLOCK];
    let mut filled = 0;
    let header_end = loop {
        let read = buf.get(..filled).unwrap_or_default();
        if let Some(nl) = memchr::memchr(b'\n', read) {
            break nl;
        }
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        let n = file
            .read(buf.get_mut(filled..).unwrap_or_default())
            .map_err(io)?;
        if n == 0 {
            break filled;
        }
        filled += n;
    };
    let header_line = buf.get(..header_end).unwrap_or_default();
    let header_line = header_line.strip_suffix(b"\r").unwrap_or(header_line);
    if header_line.is_empty() {
        return Err(IdentifyError::EmptyFile {
            file: path.display().to_string(),
        });
    }
    let header = Header::parse(header_line).map_err(|e| IdentifyError::BadHeader {
        file: path.display().to_string(),
        reason: e.reason().to_string(),
    })?;
    let mut carry: Vec<u8> = buf.get(header_end + 1..filled).unwrap_or(&[]).to_vec();
    let threads = threads.max(1);
    let (tx, rx) = sync_channel::<Block>(threads * 2);
    let (back_tx, back_rx) = sync_channel::<Vec<u8>>(threads * 4);
    let rx = Mutex::new(rx);
    let counts: Mutex<Vec<u32>> = Mutex::new(Vec::new());
    let init = &init;
    let per_line = &per_line;
    let (workers, read_result) = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let rx = &rx;
                let counts = &counts;
                let header = &header;
                let back_tx = back_tx.clone();
                s.spawn(move || {
                    let mut state = init(header);
                    let mut local: Vec<(u32, u32)> = Vec::new();
                    while let Some(block) = next_block(rx) {
                        let mut n = 0u32;
                        let data = &block.data[..];
                        let mut start = 0;
                        let mut one = |line: &[u8], n: &mut u32| {
                            let line = line.strip_suffix(b"\r").unwrap_or(line);
                            per_line(
                                &mut state,
                                line,
                                LineRef {
                                    block: block.seq,
                                    line: *n,
                                },
                            );
                            *n += 1;
                        };
                        for nl in memchr::memchr_iter(b'\n', data) {
                            one(data.get(start..nl).unwrap_or_default(), &mut n);
                            start = nl + 1;
                        }
                        // The block ends with '\n' except possibly at end of file: the empty
                        // piece after the final '\n' is not a line.
                        if start < data.len() || n == 0 {
                            one(data.get(start..).unwrap_or_default(), &mut n);
                        }
                        local.push((block.seq, n));
                        let _ = back_tx.try_send(block.data);
                    }
                    if let Ok(mut c) = counts.lock() {
                        for (seq, n) in local {
                            let i = seq as usize;
                            if c.len() <= i {
                                c.resize(i + 1, 0);
                            }
                            if let Some(count) = c.get_mut(i) {
                                *count = n;
                            }
                        }
                    }
                    state
                })
            })
            .collect();
        drop(back_tx);
        let read_result = feed(&mut file, &mut carry, &tx, &back_rx, progress).map_err(io);
        drop(tx);
        let workers: Vec<W> = handles.into_iter().filter_map(|h| h.join().ok()).collect();
        (workers, read_result)
    });
    read_result?;
    if workers.len() != threads {
        return Err(IdentifyError::WorkerPanicked);
    }
    let counts = counts.into_inner().unwrap_or_default();
    Ok(ParRead {
        header,
        workers,
        lines: LineNumbers::new(&counts),
        bytes: total,
    })
}

fn next_block(rx: &Mutex<Receiver<Block>>) -> Option<Block> {
    rx.lock().ok()?.recv().ok()
}

/// Read the rest of the file into blocks that end at a line end and send them in order.
fn feed(
    file: &mut std::fs::File,
    carry: &mut Vec<u8>,
    tx: &std::sync::mpsc::SyncSender<Block>,
    back: &Receiver<Vec<u8>>,
    progress: &dyn Progress,
) -> std::io::Result<()> {
    let mut seq = 0u32;
    let mut eof = false;
    while !eof || !carry.is_empty() {
        let mut data = back.try_recv().unwrap_or_default();
        data.clear();
        data.reserve(BLOCK + carry.len());
        data.extend_from_slice(carry);
        carry.clear();
        // Fill up to BLOCK bytes (more when the carried line alone is that long).
        let target = if data.len() >= BLOCK {
            data.len() + BLOCK
        } else {
            BLOCK
        };
        while !eof && data.len() < target {
            let start = data.len();
            data.resize(target, 0);
            let n = file.read(data.get_mut(start..).unwrap_or_default())?;
            data.truncate(start + n);
            progress.advance(n as u64);
            if n == 0 {
                eof = true;
            }
        }
        if !eof {
            // Cut after the last line end; the rest starts the next block. A block without any
            // line end (a line longer than the block) keeps growing.
            match memchr::memrchr(b'\n', &data) {
                Some(nl) => {
                    carry.extend_from_slice(data.get(nl + 1..).unwrap_or_default());
                    data.truncate(nl + 1);
                }
                None => {
                    *carry = data;
                    continue;
                }
            }
        }
        if data.is_empty() {
            break;
        }
        if tx.send(Block { seq, data }).is_err() {
            break;
        }
        seq += 1;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Result<Vec<String>, SplitError> {
        let mut r = Vec::new();
        split(line.as_bytes(), &mut r)?;
        Ok(r.iter()
            .map(|&(s, e)| unquote(&line.as_bytes()[s..e]))
            .collect())
    }

    #[test]
    fn splits_plain_and_quoted_fields() {
        assert_eq!(fields("a,b,,c").unwrap(), ["a", "b", "", "c"]);
        assert_eq!(fields("").unwrap(), [""]);
        assert_eq!(fields("a,").unwrap(), ["a", ""]);
        assert_eq!(fields("\"x,y\",z").unwrap(), ["x,y", "z"]);
        assert_eq!(fields("\"say \"\"hi\"\"\",1").unwrap(), ["say \"hi\"", "1"]);
        assert_eq!(fields("1,\"\"").unwrap(), ["1", ""]);
        assert_eq!(fields("1,\"a\",").unwrap(), ["1", "a", ""]);
        assert_eq!(fields("1,\"open").unwrap_err(), SplitError::Unterminated);
        assert_eq!(fields("\"a\"b,c").unwrap_err(), SplitError::AfterQuote);
    }

    #[test]
    fn split_upto_agrees_with_split() {
        let mut lines: Vec<String> = vec![
            String::new(),
            ",".into(),
            "a".into(),
            "a,b,,c".into(),
            "1,\"a,b\",3,4".into(),
            "1,\"open".into(),
            "\"a\"b,c".into(),
        ];
        // Long lines with commas on both sides of 64-byte chunk edges.
        for len in [60usize, 63, 64, 65, 127, 128, 129, 300] {
            for step in [1usize, 2, 3, 7, 64] {
                let line: String = (0..len)
                    .map(|i| if i % step == 0 { ',' } else { 'x' })
                    .collect();
                lines.push(line.clone());
                lines.push(format!("{line}y"));
            }
        }
        let mut all = Vec::new();
        let mut some = Vec::new();
        for line in &lines {
            let b = line.as_bytes();
            let whole = split(b, &mut all).map(|_| all.clone());
            for need in [0usize, 1, 2, 5, 40, 200, 400] {
                let got = split_upto(b, need, &mut some).map(|n| (n, some.clone()));
                match &whole {
                    Ok(w) => {
                        let (n, r) = got.unwrap();
                        assert_eq!(n, w.len(), "{line:?} {need}");
                        assert_eq!(r[..], w[..w.len().min(need + 1)], "{line:?} {need}");
                    }
                    Err(e) => assert_eq!(got.unwrap_err(), *e),
                }
            }
        }
    }

    #[test]
    fn reads_every_line_once_with_file_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        let mut text = String::from("n,sq\r\n");
        for i in 0..200_000u64 {
            text.push_str(&format!("{i},{}\r\n", i * i));
        }
        text.push_str("last,no-newline");
        std::fs::write(&path, &text).unwrap();
        let read = par_lines(
            &path,
            3,
            &NoProgress,
            "test",
            |_| Vec::new(),
            |w: &mut Vec<(String, LineRef)>, line, at| {
                w.push((String::from_utf8_lossy(line).into_owned(), at))
            },
        )
        .unwrap();
        assert_eq!(read.header.names, ["n", "sq"]);
        let mut all: Vec<(u64, String)> = read
            .workers
            .into_iter()
            .flatten()
            .map(|(l, at)| (read.lines.line(at), l))
            .collect();
        all.sort();
        assert_eq!(all.len(), 200_001);
        assert_eq!(all[0], (2, "0,0".to_string()));
        assert_eq!(all[1000], (1002, "1000,1000000".to_string()));
        assert_eq!(all[200_000], (200_002, "last,no-newline".to_string()));
    }
}
