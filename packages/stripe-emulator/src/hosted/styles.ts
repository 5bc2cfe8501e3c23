// The one stylesheet every hosted page and the dashboard share: Stripe's palette and spacing,
// two columns on laptops, one on phones.
export const STYLESHEET = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
  color:#1a1f36;background:#fff}
a{color:#635bff;text-decoration:none}
a:hover{text-decoration:underline}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:2px solid #635bff;
  outline-offset:2px}
h1{font-size:24px;line-height:1.25;margin:0 0 16px;font-weight:600}
h2{font-size:13px;letter-spacing:.04em;text-transform:uppercase;color:#697386;margin:32px 0 12px;font-weight:600}
h3{font-size:18px;margin:0;font-weight:600}
p{margin:0 0 12px}
.muted{color:#697386}
.small{font-size:13px}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);border:0}
.split{display:grid;grid-template-columns:1fr 1fr;min-height:100vh}
.aside{padding:64px 48px 32px max(48px,calc(50vw - 460px));background:#f6f9fc;border-right:1px solid #e3e8ee}
.aside-inner{max-width:380px;margin-left:auto;display:flex;flex-direction:column;gap:20px;min-height:100%}
.main{padding:64px max(48px,calc(50vw - 460px)) 48px 48px}
.main-inner{max-width:440px}
.portal .split{grid-template-columns:minmax(280px,2fr) 3fr}
.portal .main-inner{max-width:560px}
.topline{display:flex;align-items:center;gap:12px;flex-wrap:wrap}
.back{display:inline-flex;align-items:center;gap:8px;color:#1a1f36;font-weight:500}
.back:hover{color:#635bff}
.pill{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.04em;text-transform:uppercase;padding:2px 8px;
  border-radius:4px;background:#ffde92;color:#983705;vertical-align:middle}
.amount{font-size:36px;font-weight:600;line-height:1.1;margin:4px 0 8px}
.amount small{font-size:15px;font-weight:500;color:#697386;margin-left:6px}
.lines{list-style:none;margin:16px 0 0;padding:0;border-top:1px solid #e3e8ee}
.lines li{display:flex;justify-content:space-between;gap:16px;padding:12px 0;border-bottom:1px solid #e3e8ee}
.lines li.total{font-weight:600;border-bottom:0}
.powered{margin-top:auto;font-size:12px;color:#8792a2}
form{margin:0}
fieldset{border:0;margin:0 0 20px;padding:0;min-width:0}
legend{font-weight:600;margin-bottom:8px;padding:0}
.field{margin-bottom:14px}
.field label,.label{display:block;font-size:14px;font-weight:500;margin-bottom:6px;color:#30313d}
.row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
input[type=text],input[type=email],input[type=tel],select{width:100%;font:inherit;font-size:16px;padding:10px 12px;
  border:1px solid #d5dbe1;
  border-radius:6px;background:#fff;color:#1a1f36;box-shadow:0 1px 1px rgba(0,0,0,.03)}
input[readonly]{background:#f6f9fc;color:#4f566b}
input[aria-invalid=true]{border-color:#df1b41;box-shadow:0 0 0 1px #df1b41}
.field-error{color:#df1b41;font-size:13px;margin-top:6px}
.field-error:empty{display:none}
.btn{display:inline-flex;justify-content:center;align-items:center;gap:8px;font:inherit;font-weight:600;
  border-radius:6px;padding:10px 16px;border:1px solid transparent;cursor:pointer;background:#635bff;color:#fff;
  text-decoration:none;min-height:44px}
.btn:hover{background:#5851ea;text-decoration:none}
.btn[disabled]{opacity:.6;cursor:progress}
.btn-block{width:100%;font-size:16px;padding:12px 16px}
.btn-secondary{background:#fff;color:#1a1f36;border-color:#d5dbe1}
.btn-secondary:hover{background:#f6f9fc}
.btn-danger{background:#df1b41}
.btn-danger:hover{background:#c0123a}
.btn-small{min-height:32px;padding:4px 10px;font-size:13px}
.btn-link{background:none;border:0;padding:0;color:#635bff;cursor:pointer;font:inherit;font-size:13px}
.inline-form{display:inline}
.promo-form{display:flex;flex-direction:column;gap:6px;width:100%}
.promo-row{display:flex;gap:8px}
.promo-row input{flex:1}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:16px}
.inline{display:inline}
.alert{border-radius:6px;padding:12px 14px;margin:0 0 16px;font-size:14px}
.alert-error{background:#fff0f3;color:#a41c4e;border:1px solid #ffc9d4}
.alert-notice{background:#e8f5ee;color:#0e6245;border:1px solid #b5e3c9}
.alert-warn{background:#fff8e6;color:#983705;border:1px solid #f8d78b}
.alert .btn{margin-top:8px}
.card{border:1px solid #e3e8ee;border-radius:8px;padding:20px;margin-bottom:12px;background:#fff}
.card-head{display:flex;justify-content:space-between;align-items:flex-start;gap:12px;flex-wrap:wrap}
.badge{display:inline-block;font-size:12px;font-weight:600;padding:1px 8px;border-radius:10px;white-space:nowrap}
.badge-good{background:#d7f7c2;color:#05690d}
.badge-warn{background:#fcedb9;color:#a82c00}
.badge-bad{background:#ffe7f2;color:#b3093c}
.badge-neutral{background:#ebeef1;color:#545969}
.list,.plain{list-style:none;margin:0;padding:0}
.list>li{display:flex;align-items:center;justify-content:space-between;gap:12px;flex-wrap:wrap;padding:14px 0;
  border-bottom:1px solid #e3e8ee}
.list>li:first-child{padding-top:0}
.option{display:flex;align-items:center;gap:10px;padding:12px 14px;border:1px solid #d5dbe1;border-radius:6px;
  margin-bottom:8px;cursor:pointer}
.option:has(input:checked){border-color:#635bff;box-shadow:0 0 0 1px #635bff}
table{width:100%;border-collapse:collapse;font-size:14px}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid #e3e8ee;vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#697386;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.nowrap{white-space:nowrap}
.kv th{text-transform:none;letter-spacing:0;font-size:14px;font-weight:500;color:#697386;width:35%}
tfoot td{font-weight:500}
.table-wrap{overflow-x:auto}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
a.mono{white-space:nowrap}
.center{max-width:520px;margin:12vh auto;padding:0 24px;text-align:center}
.challenge{max-width:420px;margin:10vh auto;padding:32px;border:1px solid #e3e8ee;border-radius:12px;
  box-shadow:0 15px 35px rgba(50,50,93,.1),0 5px 15px rgba(0,0,0,.07)}
.dashboard{max-width:1200px;margin:0 auto;padding:32px 24px}
.dashboard section{margin-bottom:32px}
@media (max-width:899px){
  .split,.portal .split{grid-template-columns:1fr;min-height:0}
  .aside{padding:24px 20px;border-right:0;border-bottom:1px solid #e3e8ee}
  .aside-inner{max-width:none;margin:0;gap:12px}
  .main{padding:24px 20px 40px}
  .main-inner,.portal .main-inner{max-width:none}
  .amount{font-size:30px}
  .powered{display:none}
  .challenge{margin:24px 12px;padding:24px}
}
`;
