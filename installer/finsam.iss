; Inno Setup script: one installer for the office PC (Windows).
; Build the bundle first with PyInstaller (installer/finsam.spec), then:
;   iscc installer\finsam.iss
; The program installs per machine; each user's database lives in their own data
; folder (%LOCALAPPDATA%\finsam-desktop), which the uninstaller never removes.

#define AppName "Finsam Desktop"
#define AppVersion "0.1.0"

[Setup]
AppId={{6B1C1E9A-5F0B-4E0E-9A53-3C7F0F1D2A11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Finsam Desktop
DefaultDirName={autopf}\Finsam Desktop
DefaultGroupName=Finsam Desktop
OutputBaseFilename=finsam-desktop-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
WizardStyle=modern

[Languages]
Name: "swedish"; MessagesFile: "compiler:Languages\Swedish.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\dist\finsam-desktop\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Finsam Desktop"; Filename: "{app}\finsam-desktop.exe"
Name: "{group}\Finsam Desktop (demodata)"; Filename: "{app}\finsam-desktop.exe"; Parameters: "--demo"
Name: "{autodesktop}\Finsam Desktop"; Filename: "{app}\finsam-desktop.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Run]
Filename: "{app}\finsam-desktop.exe"; Description: "{cm:LaunchProgram,Finsam Desktop}"; Flags: nowait postinstall skipifsilent
