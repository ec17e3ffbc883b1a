//! One accepted connection of the gRPC port, plaintext or TLS, and what the tower layers learn
//! about it.
//!
//! tonic inserts a connection's [`Connected::connect_info`] into the extensions of every request
//! on it, before any of our layers run. [`ConnectionInfo`] carries the peer's address and, for a
//! TLS connection with a verified client certificate, the certificate chain and the caller it
//! stands for — read once at the handshake instead of once per call.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::pki_types::CertificateDer;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;
use tonic::transport::server::{Connected, TcpConnectInfo};

use super::spiffe::CertificateError;
use crate::caller::CallerContext;

/// A verified client certificate: its chain (leaf first) and whom it names.
#[derive(Debug)]
pub struct ClientCertificate {
    /// The chain the client presented, leaf first, verified against the partner CA.
    pub chain: Vec<CertificateDer<'static>>,
    /// The caller the leaf's SPIFFE id stands for, or why it names no acceptable caller.
    pub identity: Result<CallerContext, CertificateError>,
}

/// What the server knows about the connection a request arrived on (request extension).
#[derive(Debug, Clone, Default)]
pub struct ConnectionInfo {
    /// The peer's socket address.
    pub remote_addr: Option<SocketAddr>,
    /// The server's socket address of the connection.
    pub local_addr: Option<SocketAddr>,
    /// Whether the connection is TLS.
    pub tls: bool,
    /// The client certificate verified at the handshake, if the client presented one.
    pub client_certificate: Option<Arc<ClientCertificate>>,
}

impl ConnectionInfo {
    /// The connection info tonic put into `request`'s extensions, if it came through
    /// the platform's server.
    pub fn from_extensions(extensions: &http::Extensions) -> Option<&ConnectionInfo> {
        extensions.get::<ConnectionInfo>()
    }

    /// The same addresses in tonic's own type, which `tonic::Request::remote_addr` reads.
    pub fn tcp(&self) -> TcpConnectInfo {
        TcpConnectInfo {
            local_addr: self.local_addr,
            remote_addr: self.remote_addr,
        }
    }
}

/// A connection accepted by the platform's server.
#[derive(Debug)]
pub struct Connection {
    io: Io,
    info: ConnectionInfo,
}

#[derive(Debug)]
enum Io {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl Connection {
    /// A plaintext connection (development mode, or the health port).
    pub(crate) fn plain(stream: TcpStream, remote_addr: SocketAddr) -> Self {
        let local_addr = stream.local_addr().ok();
        Self {
            io: Io::Plain(stream),
            info: ConnectionInfo {
                remote_addr: Some(remote_addr),
                local_addr,
                tls: false,
                client_certificate: None,
            },
        }
    }

    /// A TLS connection after a successful handshake.
    pub(crate) fn tls(
        stream: TlsStream<TcpStream>,
        remote_addr: SocketAddr,
        client_certificate: Option<ClientCertificate>,
    ) -> Self {
        let local_addr = stream.get_ref().0.local_addr().ok();
        Self {
            io: Io::Tls(Box::new(stream)),
            info: ConnectionInfo {
                remote_addr: Some(remote_addr),
                local_addr,
                tls: true,
                client_certificate: client_certificate.map(Arc::new),
            },
        }
    }
}

impl Connected for Connection {
    type ConnectInfo = ConnectionInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.info.clone()
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Plain(stream) => Pin::new(stream).poll_read(cx, buf),
            Io::Tls(stream) => Pin::new(stream.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().io {
            Io::Plain(stream) => Pin::new(stream).poll_write(cx, buf),
            Io::Tls(stream) => Pin::new(stream.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().io {
            Io::Plain(stream) => Pin::new(stream).poll_write_vectored(cx, bufs),
            Io::Tls(stream) => Pin::new(stream.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match &self.io {
            Io::Plain(stream) => stream.is_write_vectored(),
            Io::Tls(stream) => stream.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Plain(stream) => Pin::new(stream).poll_flush(cx),
            Io::Tls(stream) => Pin::new(stream.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Plain(stream) => Pin::new(stream).poll_shutdown(cx),
            Io::Tls(stream) => Pin::new(stream.as_mut()).poll_shutdown(cx),
        }
    }
}
