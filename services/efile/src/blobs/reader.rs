//! Reading a stored blob back in chunks, without holding it in memory whole.

use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;

use super::BlobError;

/// A blob being read: its size up front, then its bytes in order.
pub struct BlobReader {
    chunks: BoxStream<'static, object_store::Result<Bytes>>,
    size: u64,
}

impl BlobReader {
    pub(crate) fn new(result: object_store::GetResult) -> Self {
        let size = result.meta.size;
        Self {
            chunks: result.into_stream(),
            size,
        }
    }

    /// The blob's size in bytes as the store reports it.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The next bytes, or `None` at the end. The chunk size is the backend's (8 KiB from a file,
    /// network-sized from S3); callers re-chunk if they need another size.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, BlobError> {
        loop {
            match self.chunks.next().await {
                Some(Ok(chunk)) if chunk.is_empty() => continue,
                Some(Ok(chunk)) => return Ok(Some(chunk)),
                Some(Err(error)) => return Err(error.into()),
                None => return Ok(None),
            }
        }
    }
}
