@_exported import IEC61850MMS
@_exported import IEC61850Model
