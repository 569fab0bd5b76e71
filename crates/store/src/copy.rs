//! PostgreSQL's fastest way in: COPY in text format, streamed in chunks.

use crate::error::StoreError;

/// Appends a value in COPY text format (backslash, tab and line breaks escaped).
pub(crate) fn text(buf: &mut Vec<u8>, value: &str) {
    for b in value.bytes() {
        match b {
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            _ => buf.push(b),
        }
    }
}

/// Appends a value or SQL NULL.
pub(crate) fn opt_text(buf: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(v) => text(buf, v),
        None => buf.extend_from_slice(b"\\N"),
    }
}

/// Runs `sql` (a `COPY … FROM STDIN`) with one line per item, written by `line`.
pub(crate) async fn copy_in<T>(
    conn: &mut sqlx::PgConnection,
    sql: &'static str,
    items: &[T],
    line: impl Fn(&mut Vec<u8>, &T),
) -> Result<(), StoreError> {
    const CHUNK: usize = 64 * 1024;
    let mut copy = conn.copy_in_raw(sql).await?;
    let mut buf = Vec::with_capacity(CHUNK);
    for item in items {
        line(&mut buf, item);
        if buf.len() >= CHUNK - 4 * 1024 {
            copy.send(std::mem::take(&mut buf)).await?;
            buf.reserve(CHUNK);
        }
    }
    if !buf.is_empty() {
        copy.send(buf).await?;
    }
    copy.finish().await?;
    Ok(())
}
