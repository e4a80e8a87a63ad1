//! The inbound side of `/p2pkit/echo/1.0.0`.
//!
//! libp2p-stream hands inbound streams to the application through a channel with one slot and
//! drops streams when it is full, which loses streams when a peer opens 100 at once. This
//! behaviour instead starts the echo task straight from the connection handler.

use std::convert::Infallible;
use std::task::{Context, Poll};

use futures::{AsyncReadExt, AsyncWriteExt};
use libp2p::core::transport::PortUse;
use libp2p::core::upgrade::{DeniedUpgrade, ReadyUpgrade};
use libp2p::core::Endpoint;
use libp2p::swarm::handler::{ConnectionEvent, FullyNegotiatedInbound};
use libp2p::swarm::{
    ConnectionDenied, ConnectionHandler, ConnectionHandlerEvent, ConnectionId, FromSwarm, NetworkBehaviour,
    SubstreamProtocol, THandler, THandlerInEvent, THandlerOutEvent, ToSwarm,
};
use libp2p::{Multiaddr, PeerId, Stream, StreamProtocol};

/// Answers every inbound echo stream on every connection.
pub struct EchoServer {
    pub protocol: StreamProtocol,
}

impl NetworkBehaviour for EchoServer {
    type ConnectionHandler = EchoHandler;
    type ToSwarm = Infallible;

    fn handle_established_inbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        _: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(EchoHandler { protocol: self.protocol.clone() })
    }

    fn handle_established_outbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        _: Endpoint,
        _: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(EchoHandler { protocol: self.protocol.clone() })
    }

    fn on_swarm_event(&mut self, _: FromSwarm) {}

    fn on_connection_handler_event(&mut self, _: PeerId, _: ConnectionId, event: THandlerOutEvent<Self>) {
        match event {}
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}

/// Per-connection half of [`EchoServer`]: accepts the protocol and spawns one task per stream.
pub struct EchoHandler {
    protocol: StreamProtocol,
}

impl ConnectionHandler for EchoHandler {
    type FromBehaviour = Infallible;
    type ToBehaviour = Infallible;
    type InboundProtocol = ReadyUpgrade<StreamProtocol>;
    type OutboundProtocol = DeniedUpgrade;
    type InboundOpenInfo = ();
    type OutboundOpenInfo = Infallible;

    fn listen_protocol(&self) -> SubstreamProtocol<Self::InboundProtocol, ()> {
        SubstreamProtocol::new(ReadyUpgrade::new(self.protocol.clone()), ())
    }

    fn poll(
        &mut self,
        _: &mut Context<'_>,
    ) -> Poll<ConnectionHandlerEvent<Self::OutboundProtocol, Self::OutboundOpenInfo, Self::ToBehaviour>> {
        Poll::Pending
    }

    fn on_behaviour_event(&mut self, event: Infallible) {
        match event {}
    }

    fn on_connection_event(
        &mut self,
        event: ConnectionEvent<Self::InboundProtocol, Self::OutboundProtocol, (), Infallible>,
    ) {
        if let ConnectionEvent::FullyNegotiatedInbound(FullyNegotiatedInbound { protocol: stream, .. }) = event {
            tokio::spawn(serve(stream));
        }
    }
}

/// Echoes everything read from the stream back to it, then closes the write side. Each chunk is
/// flushed before the next is read: libp2p-webrtc's framing otherwise gathers several frames into
/// one data channel message, which can pass the 16 KiB message limit and fail the write
/// ("outbound packet larger than maximum message size").
async fn serve(stream: Stream) {
    let (mut r, mut w) = stream.split();
    let mut buf = vec![0u8; 8192];
    loop {
        let n = match r.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                eprintln!("echo: {e}");
                break;
            }
        };
        if let Err(e) = async {
            w.write_all(&buf[..n]).await?;
            w.flush().await
        }
        .await
        {
            eprintln!("echo: {e}");
            break;
        }
    }
    let _ = w.close().await;
}
