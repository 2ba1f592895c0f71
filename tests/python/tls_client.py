#!/usr/bin/env python3
"""A stock grpcio client of lisad's TCP listener over TLS: a
`grpc.secure_channel` with `grpc.ssl_channel_credentials`, a client
certificate when given (mTLS), the `authorization: Bearer` metadata when a
token is given. No .proto in hand: the calls go by method path with raw
bytes. Used by tests/tcp_auth.rs; prints one JSON object with, per call,
what came back or the status code's name.

Usage: tls_client.py HOST:PORT CA.pem [--cert CERT.pem --key KEY.pem] [--token TOKEN]
"""
import argparse
import json

import grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("ca")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--token")
    args = ap.parse_args()

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    creds = grpc.ssl_channel_credentials(
        root_certificates=read(args.ca),
        private_key=read(args.key) if args.key else None,
        certificate_chain=read(args.cert) if args.cert else None,
    )
    metadata = [("authorization", f"Bearer {args.token}")] if args.token else None
    out = {}
    with grpc.secure_channel(args.target, creds) as channel:

        def raw(method, request=b""):
            call = channel.unary_unary(
                method,
                request_serializer=lambda b: b,
                response_deserializer=lambda b: b,
            )
            return call(request, timeout=10, metadata=metadata)

        def attempt(name, f):
            try:
                out[name] = f()
            except grpc.RpcError as e:
                out[name] = e.code().name
                out[name + "_detail"] = e.details()

        # lisa.v1.System/GetVersion: an empty request; the answer names DPDK.
        attempt(
            "version",
            lambda: "ok" if b"DPDK" in raw("/lisa.v1.System/GetVersion") else "no DPDK in the answer",
        )
        # grpc.health.v1.Health/Check of the server (""): status 1 = SERVING.
        attempt(
            "health",
            lambda: "SERVING" if raw("/grpc.health.v1.Health/Check") == b"\x08\x01" else "not serving",
        )

        def services():
            stub = reflection_pb2_grpc.ServerReflectionStub(channel)
            request = reflection_pb2.ServerReflectionRequest(list_services="")
            answer = next(iter(stub.ServerReflectionInfo(iter([request]), timeout=10, metadata=metadata)))
            return sorted(s.name for s in answer.list_services_response.service)

        attempt("reflection", services)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
