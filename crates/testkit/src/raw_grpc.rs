//! gRPC calls with raw message bytes, for tests that send what a generated client cannot:
//! malformed or oversized messages, or requests built from descriptors.

use bytes::{Buf, BufMut, Bytes};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

/// A codec that passes message bytes through unchanged.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawCodec;

impl Codec for RawCodec {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put(item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}

/// Calls the unary method `path` (e.g. `/jobcenter.case.v1.CaseService/GetCase`) on `channel`
/// with `request`'s bytes as the message and its metadata.
pub async fn unary(
    channel: Channel,
    path: &str,
    request: Request<Bytes>,
) -> Result<Response<Bytes>, Status> {
    let path = http::uri::PathAndQuery::try_from(path)
        .map_err(|_| Status::invalid_argument("not a method path"))?;
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(e.to_string()))?;
    grpc.unary(request, path, RawCodec).await
}

/// Calls the server-streaming method `path` with `request`'s bytes and collects the whole
/// answer: the response's metadata with every message's bytes one after another, or the status
/// the call or the stream ended with.
pub async fn server_streaming(
    channel: Channel,
    path: &str,
    request: Request<Bytes>,
) -> Result<Response<Bytes>, Status> {
    let path = http::uri::PathAndQuery::try_from(path)
        .map_err(|_| Status::invalid_argument("not a method path"))?;
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(e.to_string()))?;
    let response = grpc.server_streaming(request, path, RawCodec).await?;
    let (metadata, mut stream, extensions) = response.into_parts();
    let mut body = bytes::BytesMut::new();
    while let Some(message) = stream.message().await? {
        body.extend_from_slice(&message);
    }
    Ok(Response::from_parts(metadata, body.freeze(), extensions))
}
