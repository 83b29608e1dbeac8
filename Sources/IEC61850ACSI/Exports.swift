// The ACSI vocabulary shared by the client and the server builds on the MMS and model layers.

@_exported public import IEC61850MMS
@_exported public import IEC61850Model
