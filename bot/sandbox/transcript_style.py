# ruff: noqa: E501  (a stylesheet: one rule a line reads better than wrapped CSS)
"""The transcript's stylesheet: Discord's dark theme, kept in code so the page needs no files."""

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#313338;color:#dbdee1;font:15px/1.375 "gg sans","Noto Sans","Helvetica Neue",Helvetica,Arial,sans-serif}
nav{position:fixed;top:0;left:0;bottom:0;width:240px;background:#2b2d31;padding:12px 8px;overflow-y:auto}
nav .brand{font-weight:700;color:#f2f3f5;padding:6px 8px 14px;border-bottom:1px solid #1f2023;margin-bottom:8px}
nav a{display:flex;justify-content:space-between;color:#949ba4;text-decoration:none;padding:6px 8px;border-radius:4px;font-size:14px}
nav a:hover{background:#35373c;color:#dbdee1}
nav a span{background:#1e1f22;border-radius:8px;padding:0 6px;font-size:12px}
main{margin-left:240px;padding:0 24px 48px}
header{padding:20px 0 12px;border-bottom:1px solid #3f4147}
h1{margin:0;font-size:22px;color:#f2f3f5}
.sub{color:#949ba4;font-size:13px;margin-top:2px}
.figures{display:flex;flex-wrap:wrap;gap:10px;margin-top:12px}
.figures div{background:#2b2d31;border-radius:6px;padding:6px 12px;display:flex;flex-direction:column;min-width:90px}
.figures b{font-size:18px;color:#f2f3f5}.figures span{font-size:12px;color:#949ba4}
section{padding-top:8px;border-bottom:1px solid #3f4147}
section h2{font-size:16px;color:#f2f3f5;margin:14px 0 6px;padding:6px 10px;background:#2b2d31;border-radius:6px;display:inline-block}
.msg{display:flex;gap:14px;padding:6px 10px;border-radius:4px;margin:2px 0}
.msg:hover{background:#2e3035}
.msg.ephemeral{background:rgba(88,101,242,.08);border-left:2px solid #5865f2}
.msg.deleted{opacity:.55}.msg.deleted .content{text-decoration:line-through}
.avatar{flex:0 0 40px;height:40px;border-radius:50%;display:flex;align-items:center;justify-content:center;color:#fff;font-weight:700;font-size:18px}
.body{min-width:0;flex:1}
.head{display:flex;align-items:baseline;gap:6px}
.name{font-weight:600;color:#f2f3f5}
.tag{background:#5865f2;color:#fff;font-size:10px;font-weight:700;padding:1px 4px;border-radius:3px}
.time{color:#949ba4;font-size:12px}.edited{color:#949ba4;font-size:11px}
.content{white-space:normal;word-wrap:break-word}
.content h3,.content h4,.content h5{margin:4px 0;color:#f2f3f5}
.subtext{color:#949ba4;font-size:12px}
blockquote{margin:2px 0;padding-left:10px;border-left:4px solid #4e5058}
code{background:#2b2d31;border-radius:3px;padding:0 3px;font-size:13px;font-family:Consolas,monospace}
.mention{background:rgba(88,101,242,.3);color:#c9cdfb;border-radius:3px;padding:0 2px}
.ts{background:#3f4147;border-radius:3px;padding:0 2px}
a{color:#00a8fc}
.muted{color:#949ba4}
.embed{display:flex;gap:12px;max-width:520px;background:#2b2d31;border-left:4px solid #1e1f22;border-radius:4px;padding:8px 14px 12px 12px;margin:6px 0}
.embed.v2{border-left-color:#4e5058}
.e-main{min-width:0;flex:1}
.e-author{font-size:13px;font-weight:600;margin-top:4px}
.e-title{font-weight:700;color:#f2f3f5;margin-top:6px}
.e-desc{font-size:14px;margin-top:6px}
.e-fields{display:flex;flex-wrap:wrap;gap:8px 16px;margin-top:8px}
.e-field{flex:1 1 100%;font-size:14px}.e-field.inline{flex:1 1 28%}
.e-footer{font-size:12px;color:#949ba4;margin-top:8px}
.e-image{margin-top:10px}.e-thumb .img{width:80px!important}
.img{display:block;max-width:100%;background-size:contain;background-repeat:no-repeat;border-radius:6px;margin:6px 0}
.file{display:inline-flex;gap:8px;align-items:center;background:#2b2d31;border:1px solid #1e1f22;border-radius:6px;padding:8px 12px;margin:6px 0}
.file span{color:#949ba4;font-size:12px}
.row{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0}
.btn{display:inline-block;padding:4px 14px;border-radius:4px;font-size:14px;font-weight:500;color:#fff;min-height:32px;line-height:24px}
.btn.primary{background:#5865f2}.btn.secondary{background:#4e5058}.btn.success{background:#248046}
.btn.danger{background:#da373c}.btn.link{background:#4e5058;color:#dbdee1}.btn.premium{background:#5865f2}
.btn.disabled,.select.disabled{opacity:.5}
.select{width:100%;max-width:420px}
.sel-box{display:flex;justify-content:space-between;background:#1e1f22;border:1px solid #1e1f22;border-radius:4px;padding:8px 10px;color:#949ba4;font-size:14px}
.select details{font-size:12px;color:#949ba4;margin-top:2px}
.select ol{margin:4px 0;padding-left:22px;columns:2}.select li span{color:#6d6f78;margin-left:6px}
.v2-section{display:flex;justify-content:space-between;align-items:center;gap:12px}
.note{color:#949ba4;font-size:12px;margin-top:4px}
.action{color:#949ba4;font-size:13px;padding:2px 10px 2px 64px}
.action b{color:#dbdee1}.opt{background:#2b2d31;border-radius:3px;padding:0 5px;margin-right:4px;color:#dbdee1}
.failed{color:#f23f43;font-weight:600}
.history{margin-top:4px;font-size:13px}.history summary{color:#949ba4;cursor:pointer}
.rev{border-left:2px solid #4e5058;padding:2px 0 4px 10px;margin:6px 0}
.rev-head{color:#949ba4;font-size:11px;text-transform:uppercase;letter-spacing:.02em}
hr{border:none;border-top:1px solid #4e5058}
@media print{nav{display:none}main{margin-left:0}}
"""
