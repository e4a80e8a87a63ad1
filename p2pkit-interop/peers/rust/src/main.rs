//! rust-libp2p peer for p2pkit's interop suite.
//!
//! One command-line contract shared with the js and go peers:
//!   peer --listen /ip4/127.0.0.1/tcp/0 --security noise|tls --muxer yamux|mplex [--identity-key FILE]
//!   (the transport follows the address: TCP, WebSocket for .../ws, wss for .../tls/ws, QUIC for .../quic-v1,
//!   WebRTC-direct for .../webrtc-direct; --security and --muxer name only the TCP stacks)
//!   wss: --wss-cert FILE --wss-key FILE (PEM chain and PKCS#8 key) to listen, --wss-ca FILE (PEM) to dial
//!   peer --dial <multiaddr/p2p/ID> --security noise|tls --muxer yamux|mplex [--echo-bytes N] [--streams N]
//! Circuit relay v2: --relay-service (with --listen) runs rust-libp2p's relay with its default
//! config (the listen address is made external, so that reservations carry it); --reserve
//! <relay multiaddr/p2p/ID> (with --listen) listens through the relay and reports a "reserved"
//! event; --dial takes a .../p2p/RELAY/p2p-circuit/p2p/ID address too.
//! Events go to stdout as one JSON object per line; diagnostics go to stderr.

mod echo;

use std::collections::HashSet;
use std::process::exit;
use std::time::Duration;

use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};
use libp2p::core::muxing::StreamMuxerBox;
use libp2p::core::transport::Boxed;
use libp2p::core::upgrade::Version;
use libp2p::identity::Keypair;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{identify, noise, ping, relay, tcp, tls, yamux, Multiaddr, PeerId, StreamProtocol, Swarm, Transport};
use rand::RngCore;
use serde_json::{json, Value};
use tokio::io::AsyncReadExt as TokioReadExt;
use tokio::sync::mpsc;

const ECHO: StreamProtocol = StreamProtocol::new("/p2pkit/echo/1.0.0");
const STEP_TIMEOUT: Duration = Duration::from_secs(30);
const AGENT: &str = "p2pkit-interop/rust-libp2p-0.57.1";

/// The command line, parsed.
struct Args {
    listen: Option<Multiaddr>,
    dial: Option<Multiaddr>,
    security: String,
    muxer: String,
    identity_key: Option<String>,
    wss_cert: Option<String>,
    wss_key: Option<String>,
    wss_ca: Option<String>,
    echo_bytes: usize,
    streams: usize,
    relay_service: bool,
    reserve: Option<Multiaddr>,
}

fn usage(msg: &str) -> ! {
    eprintln!("peer: {msg}");
    eprintln!("usage: peer --listen MADDR | --dial MADDR --security noise|tls --muxer yamux|mplex [--identity-key FILE] [--echo-bytes N] [--streams N] [--wss-cert FILE --wss-key FILE] [--wss-ca FILE]");
    exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        listen: None,
        dial: None,
        security: "noise".into(),
        muxer: "yamux".into(),
        identity_key: None,
        wss_cert: None,
        wss_key: None,
        wss_ca: None,
        echo_bytes: 1 << 20,
        streams: 100,
        relay_service: false,
        reserve: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--relay-service" {
            a.relay_service = true;
            continue;
        }
        let value = it.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--listen" => a.listen = Some(value.parse().unwrap_or_else(|e| usage(&format!("bad --listen: {e}")))),
            "--dial" => a.dial = Some(value.parse().unwrap_or_else(|e| usage(&format!("bad --dial: {e}")))),
            "--security" => a.security = value,
            "--muxer" => a.muxer = value,
            "--identity-key" => a.identity_key = Some(value),
            "--wss-cert" => a.wss_cert = Some(value),
            "--wss-key" => a.wss_key = Some(value),
            "--wss-ca" => a.wss_ca = Some(value),
            "--echo-bytes" => a.echo_bytes = value.parse().unwrap_or_else(|_| usage("bad --echo-bytes")),
            "--streams" => a.streams = value.parse().unwrap_or_else(|_| usage("bad --streams")),
            "--reserve" => a.reserve = Some(value.parse().unwrap_or_else(|e| usage(&format!("bad --reserve: {e}")))),
            _ => usage(&format!("unknown flag {flag}")),
        }
    }
    if a.listen.is_some() == a.dial.is_some() {
        usage("give exactly one of --listen and --dial");
    }
    if a.security != "noise" && a.security != "tls" {
        usage("--security must be noise or tls");
    }
    if a.muxer != "yamux" && a.muxer != "mplex" {
        usage("--muxer must be yamux or mplex");
    }
    if a.wss_cert.is_some() != a.wss_key.is_some() {
        usage("--wss-cert and --wss-key go together");
    }
    a
}

fn emit(v: Value) {
    // stdout is line-buffered, so each event reaches the harness as soon as it is printed.
    println!("{v}");
}

fn fail(step: &str, message: impl std::fmt::Display) -> ! {
    emit(json!({"event": "error", "step": step, "message": message.to_string()}));
    exit(1)
}

fn security_id(name: &str) -> &'static str {
    if name == "tls" { "/tls/1.0.0" } else { "/noise" }
}

fn muxer_id(name: &str) -> &'static str {
    if name == "mplex" { "/mplex/6.7.0" } else { "/yamux/1.0.0" }
}

/// The WebSocket TLS settings: the server certificate and key for listening on wss, and the CA
/// trusted when dialing wss (added to the web PKI roots the crate starts from).
fn wss_config(args: &Args) -> libp2p_websocket::tls::Config {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let mut builder = libp2p_websocket::tls::Config::builder();
    if let (Some(cert), Some(key)) = (&args.wss_cert, &args.wss_key) {
        let chain: Vec<libp2p_websocket::tls::Certificate> = CertificateDer::pem_file_iter(cert)
            .unwrap_or_else(|e| fail("setup", format!("--wss-cert {cert}: {e}")))
            .map(|c| c.unwrap_or_else(|e| fail("setup", format!("--wss-cert {cert}: {e}"))))
            .map(|c| libp2p_websocket::tls::Certificate::new(c.to_vec()))
            .collect();
        let der = PrivateKeyDer::from_pem_file(key).unwrap_or_else(|e| fail("setup", format!("--wss-key {key}: {e}")));
        builder
            .server(libp2p_websocket::tls::PrivateKey::new(der.secret_der().to_vec()), chain)
            .unwrap_or_else(|e| fail("setup", format!("wss server: {e}")));
    }
    if let Some(ca) = &args.wss_ca {
        for c in CertificateDer::pem_file_iter(ca).unwrap_or_else(|e| fail("setup", format!("--wss-ca {ca}: {e}"))) {
            let c = c.unwrap_or_else(|e| fail("setup", format!("--wss-ca {ca}: {e}")));
            builder
                .add_trust(&libp2p_websocket::tls::Certificate::new(c.to_vec()))
                .unwrap_or_else(|e| fail("setup", format!("--wss-ca {ca}: {e}")));
        }
    }
    builder.finish()
}

/// WebSocket (for .../ws and .../tls/ws addresses) or else TCP, upgraded with exactly the one
/// security protocol and muxer asked for.
/// The relay client transport takes .../p2p-circuit addresses; what it yields is upgraded like TCP.
fn transport(
    key: &Keypair,
    security: &str,
    muxer: &str,
    wss: libp2p_websocket::tls::Config,
    relayed: relay::client::Transport,
) -> Boxed<(PeerId, StreamMuxerBox)> {
    let raw = || tcp::tokio::Transport::new(tcp::Config::default().nodelay(true));
    let tcp = move || {
        let mut ws = libp2p_websocket::Config::new(raw());
        ws.set_tls_config(wss.clone());
        relayed.or_transport(ws.or_transport(raw())).upgrade(Version::V1)
    };
    let mut mplex = libp2p_mplex::Config::new();
    mplex.set_max_num_streams(512);
    let yamux = yamux::Config::default();
    let timeout = Duration::from_secs(20);
    let stack = match (security, muxer) {
        ("noise", "yamux") => tcp()
            .authenticate(noise::Config::new(key).unwrap_or_else(|e| fail("setup", e)))
            .multiplex(yamux)
            .timeout(timeout)
            .boxed(),
        ("noise", _) => tcp()
            .authenticate(noise::Config::new(key).unwrap_or_else(|e| fail("setup", e)))
            .multiplex(mplex)
            .timeout(timeout)
            .boxed(),
        (_, "yamux") => tcp()
            .authenticate(tls::Config::new(key).unwrap_or_else(|e| fail("setup", e)))
            .multiplex(yamux)
            .timeout(timeout)
            .boxed(),
        _ => tcp()
            .authenticate(tls::Config::new(key).unwrap_or_else(|e| fail("setup", e)))
            .multiplex(mplex)
            .timeout(timeout)
            .boxed(),
    };
    // QUIC v1 for .../udp/.../quic-v1 addresses (TLS and muxing are QUIC's own)
    let quic = libp2p::quic::tokio::Transport::new(libp2p::quic::Config::new(key))
        .map(|(peer, conn), _| (peer, StreamMuxerBox::new(conn)));
    // WebRTC-direct for .../udp/.../webrtc-direct[/certhash/...] addresses (DTLS, SCTP data
    // channels and Noise are the transport's own); a fresh certificate per run, as rust-libp2p's examples do
    let certificate = libp2p_webrtc::tokio::Certificate::generate(&mut rand_webrtc::rng())
        .unwrap_or_else(|e| fail("setup", e));
    let webrtc = libp2p_webrtc::tokio::Transport::new(key.clone(), certificate)
        .map(|(peer, conn), _| (peer, StreamMuxerBox::new(conn)));
    webrtc
        .or_transport(quic)
        .map(|either, _| either.into_inner())
        .or_transport(stack)
        .map(|either, _| either.into_inner())
        .boxed()
}

#[derive(NetworkBehaviour)]
struct Behaviour {
    identify: identify::Behaviour,
    ping: ping::Behaviour,
    // Opens outbound echo streams; inbound ones are answered by `echo`.
    stream: libp2p_stream::Behaviour,
    echo: echo::EchoServer,
    // Only in the relay cases, so that the other cases see the peer as before.
    relay: Toggle<relay::Behaviour>,
    relay_client: Toggle<relay::client::Behaviour>,
}

fn load_key(path: &Option<String>) -> Keypair {
    match path {
        None => Keypair::generate_ed25519(),
        Some(p) => {
            let bytes = std::fs::read(p).unwrap_or_else(|e| fail("setup", format!("cannot read {p}: {e}")));
            Keypair::from_protobuf_encoding(&bytes).unwrap_or_else(|e| fail("setup", format!("bad key in {p}: {e}")))
        }
    }
}

fn identify_event(peer: &PeerId, info: &identify::Info, security: &str, muxer: &str) -> Value {
    json!({
        "event": "identify",
        "peerId": peer.to_string(),
        "agentVersion": info.agent_version,
        "protocolVersion": info.protocol_version,
        "protocols": info.protocols.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        "listenAddrs": info.listen_addrs.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        "observedAddr": info.observed_addr.to_string(),
        "signedPeerRecord": info.signed_peer_record.is_some(),
        "security": security_id(security),
        "muxer": muxer_id(muxer),
    })
}

/// Sends `data` on a new echo stream while reading the reply, and checks the reply matches.
async fn echo_once(control: &mut libp2p_stream::Control, peer: PeerId, data: &[u8]) -> Result<(), String> {
    let stream = control.open_stream(peer, ECHO).await.map_err(|e| e.to_string())?;
    let (mut r, mut w) = stream.split();
    // Write and read at the same time: the echo side cannot buffer a whole MiB.
    let write = async {
        w.write_all(data).await?;
        w.close().await
    };
    let read = async {
        let mut got = Vec::with_capacity(data.len());
        r.read_to_end(&mut got).await.map(|_| got)
    };
    let (wr, rd) = futures::join!(write, read);
    wr.map_err(|e| format!("write: {e}"))?;
    let got = rd.map_err(|e| format!("read: {e}"))?;
    if got.as_slice() != data {
        return Err(format!("echo mismatch: sent {} bytes, got {} back", data.len(), got.len()));
    }
    Ok(())
}

/// What the swarm task reports to the dialer's sequential flow.
enum Progress {
    Connected(PeerId),
    Identified(Value),
    Pinged(Duration),
    Failed(&'static str, String),
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Progress>, step: &'static str) -> Progress {
    match tokio::time::timeout(STEP_TIMEOUT, rx.recv()).await {
        Err(_) => fail(step, "timed out"),
        Ok(None) => fail(step, "swarm stopped"),
        Ok(Some(Progress::Failed(s, m))) => fail(s, m),
        Ok(Some(p)) => p,
    }
}

#[tokio::main]
async fn main() {
    // Both rustls providers are compiled in (feature unification), so there is no automatic
    // default, and webrtc-rs's DTLS panics without one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = parse_args();
    let key = load_key(&args.identity_key);
    let local = key.public().to_peer_id();
    let relay_mode = args.relay_service
        || args.reserve.is_some()
        || args.dial.as_ref().is_some_and(|a| a.iter().any(|p| p == Protocol::P2pCircuit));
    let (relay_transport, relay_client) = relay::client::new(local);
    let behaviour = Behaviour {
        identify: identify::Behaviour::new(
            // No signed peer record: rust-libp2p 0.57 signs it in its legacy "libp2p-routing-state"
            // envelope, which js-libp2p 3 rejects together with the whole identify message.
            identify::Config::new("ipfs/0.1.0".into(), key.public()).with_agent_version(AGENT.into()),
        ),
        ping: ping::Behaviour::new(ping::Config::new()),
        stream: libp2p_stream::Behaviour::new(),
        echo: echo::EchoServer { protocol: ECHO },
        relay: Toggle::from(args.relay_service.then(|| relay::Behaviour::new(local, relay::Config::default()))),
        relay_client: Toggle::from(relay_mode.then_some(relay_client)),
    };
    let config = libp2p::swarm::Config::with_tokio_executor()
        .with_idle_connection_timeout(Duration::from_secs(60))
        .with_max_negotiating_inbound_streams(1024);
    let mut swarm = Swarm::new(
        transport(&key, &args.security, &args.muxer, wss_config(&args), relay_transport),
        behaviour,
        local,
        config,
    );

    let control = swarm.behaviour().stream.new_control();

    if let Some(addr) = args.listen.clone() {
        swarm.listen_on(addr).unwrap_or_else(|e| fail("listen", e));
        run_listener(swarm, &args).await;
    } else {
        let addr = args.dial.clone().unwrap();
        let target = match addr.iter().last() {
            Some(Protocol::P2p(id)) => id,
            _ => fail("connect", "the dial address must end in /p2p/<peer id>"),
        };
        if addr.iter().any(|p| p == Protocol::WebRTCDirect) {
            // rust-libp2p dials WebRTC-direct from a listener's UDP socket, so it needs one first
            let local: Multiaddr = "/ip4/127.0.0.1/udp/0/webrtc-direct".parse().unwrap();
            swarm.listen_on(local).unwrap_or_else(|e| fail("listen", e));
        }
        swarm.dial(addr).unwrap_or_else(|e| fail("connect", e));
        run_dialer(swarm, control, target, &args).await;
    }
}

async fn run_listener(mut swarm: Swarm<Behaviour>, args: &Args) {
    let local = *swarm.local_peer_id();
    let mut ready = false;
    let mut identified = HashSet::new();
    let mut stdin_closed = Box::pin(async {
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 256];
        while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
    });
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .unwrap_or_else(|e| fail("setup", e));
    loop {
        tokio::select! {
            _ = &mut stdin_closed => break,
            _ = term.recv() => break,
            ev = swarm.select_next_some() => match ev {
                SwarmEvent::NewListenAddr { address, .. } if !ready => {
                    ready = true;
                    if args.relay_service {
                        // a rust-libp2p relay puts its external addresses into reservations
                        swarm.add_external_address(address.clone());
                    }
                    let full = address.with(Protocol::P2p(local));
                    emit(json!({"event": "ready", "peerId": local.to_string(), "addrs": [full.to_string()]}));
                    if let Some(relay_addr) = &args.reserve {
                        swarm.listen_on(relay_addr.clone().with(Protocol::P2pCircuit)).unwrap_or_else(|e| fail("reserve", e));
                    }
                }
                SwarmEvent::NewListenAddr { address, .. } if address.iter().any(|p| p == Protocol::P2pCircuit) => {
                    emit(json!({"event": "reserved", "addrs": [address.to_string()]}));
                }
                SwarmEvent::Behaviour(BehaviourEvent::RelayClient(relay::client::Event::ReservationReqAccepted { relay_peer_id, renewal, .. })) => {
                    eprintln!("reservation on {relay_peer_id} accepted (renewal: {renewal})");
                }
                SwarmEvent::ListenerClosed { addresses, reason, .. } if addresses.iter().any(|a| a.iter().any(|p| p == Protocol::P2pCircuit)) || args.reserve.is_some() && reason.is_err() => {
                    fail("reserve", format!("listener closed: {reason:?}"));
                }
                SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received { connection_id, peer_id, info })) => {
                    // Later pushes and periodic re-identifies on the same connection are not new connections.
                    if identified.insert(connection_id) {
                        emit(identify_event(&peer_id, &info, &args.security, &args.muxer));
                    }
                }
                SwarmEvent::ConnectionClosed { connection_id, .. } => {
                    identified.remove(&connection_id);
                }
                SwarmEvent::IncomingConnectionError { error, .. } => eprintln!("incoming connection failed: {error}"),
                other => eprintln!("{other:?}"),
            }
        }
    }
    exit(0)
}

async fn run_dialer(mut swarm: Swarm<Behaviour>, control: libp2p_stream::Control, target: PeerId, args: &Args) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let security = args.security.clone();
    let muxer = args.muxer.clone();
    tokio::spawn(async move {
        let mut identified = false;
        let mut pinged = false;
        loop {
            let ev = swarm.select_next_some().await;
            let report = match ev {
                SwarmEvent::ConnectionEstablished { peer_id, .. } if peer_id == target => Some(Progress::Connected(peer_id)),
                SwarmEvent::OutgoingConnectionError { error, .. } => Some(Progress::Failed("connect", error.to_string())),
                SwarmEvent::ConnectionClosed { peer_id, cause, .. } if peer_id == target => {
                    Some(Progress::Failed("connection", format!("connection closed: {cause:?}")))
                }
                SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }))
                    if peer_id == target && !identified =>
                {
                    identified = true;
                    Some(Progress::Identified(identify_event(&peer_id, &info, &security, &muxer)))
                }
                SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Error { peer_id, error, .. }))
                    if peer_id == target && !identified =>
                {
                    Some(Progress::Failed("identify", error.to_string()))
                }
                SwarmEvent::Behaviour(BehaviourEvent::Ping(ping::Event { peer, result, .. })) if peer == target && !pinged => {
                    pinged = true;
                    Some(match result {
                        Ok(rtt) => Progress::Pinged(rtt),
                        Err(e) => Progress::Failed("ping", e.to_string()),
                    })
                }
                other => {
                    eprintln!("{other:?}");
                    None
                }
            };
            if let Some(r) = report {
                if tx.send(r).is_err() {
                    return;
                }
            }
        }
    });

    let peer = match next(&mut rx, "connect").await {
        Progress::Connected(p) => p,
        _ => fail("connect", "unexpected event order"),
    };
    emit(json!({"event": "connected", "peerId": peer.to_string(),
                "security": security_id(&args.security), "muxer": muxer_id(&args.muxer)}));

    // Identify and the first ping may finish in either order; report them in contract order.
    let mut identify = None;
    let mut rtt = None;
    while identify.is_none() || rtt.is_none() {
        let step = if identify.is_none() { "identify" } else { "ping" };
        match next(&mut rx, step).await {
            Progress::Identified(v) => identify = Some(v),
            Progress::Pinged(d) => rtt = Some(d),
            _ => fail(step, "unexpected event order"),
        }
    }
    emit(identify.unwrap());
    emit(json!({"event": "ping", "rttMillis": rtt.unwrap().as_secs_f64() * 1000.0}));

    let mut data = vec![0u8; args.echo_bytes];
    rand::thread_rng().fill_bytes(&mut data);
    let mut c = control.clone();
    match tokio::time::timeout(STEP_TIMEOUT, echo_once(&mut c, peer, &data)).await {
        Err(_) => fail("echo", "timed out"),
        Ok(Err(e)) => fail("echo", e),
        Ok(Ok(())) => emit(json!({"event": "echo", "bytes": args.echo_bytes, "ok": true})),
    }

    let mut small = vec![0u8; 1024];
    rand::thread_rng().fill_bytes(&mut small);
    let all = futures::future::join_all((0..args.streams).map(|_| {
        let mut c = control.clone();
        let small = small.clone();
        async move { echo_once(&mut c, peer, &small).await }
    }));
    match tokio::time::timeout(STEP_TIMEOUT, all).await {
        Err(_) => fail("streams", "timed out"),
        Ok(results) => {
            let failed: Vec<String> = results.into_iter().filter_map(|r| r.err()).collect();
            if let Some(first) = failed.first() {
                fail("streams", format!("{} of {} streams failed; first: {first}", failed.len(), args.streams));
            }
        }
    }
    emit(json!({"event": "streams", "count": args.streams, "ok": true}));
    emit(json!({"event": "done"}));
    exit(0)
}
