//! The codec every service and client uses: prost's, except that a request
//! that does not decode (a string that is not UTF-8, a truncated field) is
//! the caller's mistake, `INVALID_ARGUMENT`, not the server's `INTERNAL`.

use std::marker::PhantomData;
use tonic::codec::{BufferSettings, Codec, DecodeBuf, Decoder};
use tonic::Status;
use tonic_prost::{ProstDecoder, ProstEncoder};

/// Prost encoding; decode errors become `INVALID_ARGUMENT`.
#[derive(Debug, Clone)]
pub struct LisaCodec<T, U>(PhantomData<(T, U)>);

impl<T, U> Default for LisaCodec<T, U> {
    fn default() -> Self {
        LisaCodec(PhantomData)
    }
}

impl<T, U> Codec for LisaCodec<T, U>
where
    T: prost::Message + Send + 'static,
    U: prost::Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = LisaDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::default()
    }

    fn decoder(&mut self) -> Self::Decoder {
        LisaDecoder(ProstDecoder::default())
    }
}

/// Prost's decoder, with its errors as `INVALID_ARGUMENT`.
#[derive(Debug)]
pub struct LisaDecoder<U>(ProstDecoder<U>);

impl<U: prost::Message + Default> Decoder for LisaDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        self.0
            .decode(buf)
            .map_err(|e| Status::invalid_argument(format!("malformed message: {}", e.message())))
    }

    fn buffer_settings(&self) -> BufferSettings {
        self.0.buffer_settings()
    }
}
