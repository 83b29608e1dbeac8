// The MMS layer builds on the codec target (BER, MMS Data and TypeSpecification), which has no NIO dependency.

@_exported public import IEC61850Codec
